package dev.chorus.engine.eio;

/** A packet received from a client: a text payload, or the bytes of a binary message. */
record InboundPacket(PacketType type, String text, byte[] binary) {
    static InboundPacket text(PacketType type, String text) {
        return new InboundPacket(type, text, null);
    }

    static InboundPacket binary(byte[] bytes) {
        return new InboundPacket(PacketType.MESSAGE, null, bytes);
    }

    boolean isBinary() {
        return binary != null;
    }
}
