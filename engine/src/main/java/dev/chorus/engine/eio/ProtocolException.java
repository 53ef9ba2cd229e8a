package dev.chorus.engine.eio;

/** Input that breaks the wire protocol. Thrown often by hostile clients, so it carries no stack trace. */
public class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
