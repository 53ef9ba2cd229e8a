package dev.chorus.engine.eio;

/** Engine.IO protocol 4 packet types; the wire form of each is its single digit. */
public enum PacketType {
    OPEN('0'),
    CLOSE('1'),
    PING('2'),
    PONG('3'),
    MESSAGE('4'),
    UPGRADE('5'),
    NOOP('6');

    private static final PacketType[] BY_DIGIT = values();

    private final char digit;

    PacketType(char digit) {
        this.digit = digit;
    }

    public char digit() {
        return digit;
    }

    /** @return the type for a wire digit, or null when the character is not a packet type */
    public static PacketType fromDigit(int c) {
        int index = c - '0';
        return index >= 0 && index < BY_DIGIT.length ? BY_DIGIT[index] : null;
    }
}
