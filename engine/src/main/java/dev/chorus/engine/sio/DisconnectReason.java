package dev.chorus.engine.sio;

import dev.chorus.engine.eio.CloseReason;

/** Why a socket left its namespace, in the reference server's words. */
public enum DisconnectReason {
    TRANSPORT_ERROR("transport error", true),
    TRANSPORT_CLOSE("transport close", true),
    FORCED_CLOSE("forced close", true),
    PING_TIMEOUT("ping timeout", true),
    PARSE_ERROR("parse error", false),
    SERVER_SHUTTING_DOWN("server shutting down", true),
    FORCED_SERVER_CLOSE("forced server close", true),
    CLIENT_NAMESPACE_DISCONNECT("client namespace disconnect", false),
    SERVER_NAMESPACE_DISCONNECT("server namespace disconnect", false),
    /**
     * Its client recovered it on another connection, here or on another node: the client has left this one, and
     * its rooms and recovery session now belong to the recovered socket. Chorus's own; the reference server keeps
     * no session of a live socket, so it never has two.
     */
    SUPERSEDED("superseded", false);

    private final String text;
    private final boolean recoverable;

    DisconnectReason(String text, boolean recoverable) {
        this.text = text;
        this.recoverable = recoverable;
    }

    public String text() {
        return text;
    }

    /** Whether the client may come back and recover its state (the reference server's recoverable reasons). */
    public boolean recoverable() {
        return recoverable;
    }

    static DisconnectReason of(CloseReason reason) {
        return switch (reason) {
            case TRANSPORT_CLOSE -> TRANSPORT_CLOSE;
            case TRANSPORT_ERROR -> TRANSPORT_ERROR;
            case PING_TIMEOUT -> PING_TIMEOUT;
            case PARSE_ERROR -> PARSE_ERROR;
            case FORCED_CLOSE -> FORCED_CLOSE;
            case SERVER_SHUTTING_DOWN -> SERVER_SHUTTING_DOWN;
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
