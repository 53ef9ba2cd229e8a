package dev.chorus.cluster.adapter;

/**
 * What one node asks of the others, or answers them, in the stream or over pub/sub: numbered as Node's Socket.IO
 * adapters number them, so that Chorus and Node servers understand each other.
 */
enum MessageType {
    BROADCAST(3),
    SOCKETS_JOIN(4),
    SOCKETS_LEAVE(5),
    DISCONNECT_SOCKETS(6),
    FETCH_SOCKETS(7),
    FETCH_SOCKETS_RESPONSE(8),
    SERVER_SIDE_EMIT(9),
    SERVER_SIDE_EMIT_RESPONSE(10),
    BROADCAST_CLIENT_COUNT(11),
    BROADCAST_ACK(12),
    /**
     * Chorus's own, on the private channel of the adapter that owned a recovery session: its client recovered the
     * socket elsewhere ({@code {sid, pid}}). Only Chorus nodes own sessions, so no Node peer ever gets one.
     */
    SUPERSEDE(100),
    /** A number this node does not know: a newer peer's, ignored. */
    UNKNOWN(-1);

    /** Read once: {@link #of(int)} runs for every entry of the stream. */
    private static final MessageType[] ALL = values();

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    /** The code as a stream entry's {@code type} field holds it. */
    String field() {
        return Integer.toString(code);
    }

    static MessageType of(int code) {
        for (MessageType type : ALL) {
            if (type.code == code) {
                return type;
            }
        }
        return UNKNOWN;
    }

    static MessageType of(String field) {
        try {
            return field == null ? UNKNOWN : of(Integer.parseInt(field));
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
    }
}
