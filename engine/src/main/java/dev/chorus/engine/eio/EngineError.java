package dev.chorus.engine.eio;

import io.netty.handler.codec.http.HttpResponseStatus;

/** The reference server's error replies: HTTP status and {@code {"code","message"}} body. */
public enum EngineError {
    UNKNOWN_TRANSPORT(0, "Transport unknown"),
    UNKNOWN_SID(1, "Session ID unknown"),
    BAD_HANDSHAKE_METHOD(2, "Bad handshake method"),
    BAD_REQUEST(3, "Bad request"),
    FORBIDDEN(4, "Forbidden"),
    /** A server that is handing its clients to others: 503, which proxies take as "try another node". */
    DRAINING(4, "Server is draining"),
    UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version");

    private final int code;
    private final String message;

    EngineError(int code, String message) {
        this.code = code;
        this.message = message;
    }

    public int code() {
        return code;
    }

    public String message() {
        return message;
    }

    public HttpResponseStatus status() {
        return switch (this) {
            case FORBIDDEN -> HttpResponseStatus.FORBIDDEN;
            case DRAINING -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            default -> HttpResponseStatus.BAD_REQUEST;
        };
    }
}
