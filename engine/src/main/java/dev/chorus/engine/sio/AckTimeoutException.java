package dev.chorus.engine.sio;

import java.util.concurrent.TimeoutException;

/** The client did not acknowledge an event within the time the server gave it. */
public class AckTimeoutException extends TimeoutException {
    public AckTimeoutException(String message) {
        super(message);
    }
}
