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
    /** Too many handshakes in flight: 503, which a proxy takes as "try another node". */
    BUSY(4, "Server busy, try again"),
    /** A client address with all the sessions it may have: 429, as for any rate limit. */
    TOO_MANY_SESSIONS(4, "Too many sessions from this address"),
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
            case DRAINING, BUSY -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case TOO_MANY_SESSIONS -> HttpResponseStatus.TOO_MANY_REQUESTS;
            default -> HttpResponseStatus.BAD_REQUEST;
        };
    }
}
