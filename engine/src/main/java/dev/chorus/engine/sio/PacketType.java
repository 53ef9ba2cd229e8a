package dev.chorus.engine.sio;

/** Socket.IO protocol 5 packet types. */
public enum PacketType {
    CONNECT,
    DISCONNECT,
    EVENT,
    ACK,
    CONNECT_ERROR,
    BINARY_EVENT,
    BINARY_ACK;

    private static final PacketType[] BY_DIGIT = values();

    public char digit() {
        return (char) ('0' + ordinal());
    }

    static PacketType fromDigit(int c) {
        int index = c - '0';
        return index >= 0 && index < BY_DIGIT.length ? BY_DIGIT[index] : null;
    }

    boolean isBinary() {
        return this == BINARY_EVENT || this == BINARY_ACK;
    }
}
