package dev.chorus.engine.eio;

/** Why an Engine.IO session ended, with the reference server's wording. */
public enum CloseReason {
    TRANSPORT_CLOSE("transport close"),
    TRANSPORT_ERROR("transport error"),
    PING_TIMEOUT("ping timeout"),
    PARSE_ERROR("parse error"),
    FORCED_CLOSE("forced close"),
    SERVER_SHUTTING_DOWN("server shutting down");

    private final String text;

    CloseReason(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
