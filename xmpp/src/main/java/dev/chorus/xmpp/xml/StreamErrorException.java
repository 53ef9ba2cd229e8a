package dev.chorus.xmpp.xml;

/** The stream must end with this error: what the client sent cannot be read on. */
public final class StreamErrorException extends RuntimeException {
    private final StreamError error;

    public StreamErrorException(StreamError error, String detail) {
        super(error.condition() + ": " + detail, null, false, false);
        this.error = error;
    }

    public StreamError error() {
        return error;
    }
}
