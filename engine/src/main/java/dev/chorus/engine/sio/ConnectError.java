package dev.chorus.engine.sio;

/**
 * Refuses a connection to a namespace: the client gets a CONNECT_ERROR packet with this message and, when given,
 * the data (anything Jackson can serialize).
 */
public class ConnectError extends RuntimeException {
    private final transient Object data;

    public ConnectError(String message) {
        this(message, null);
    }

    public ConnectError(String message, Object data) {
        super(message, null, false, false);
        this.data = data;
    }

    public Object data() {
        return data;
    }
}
