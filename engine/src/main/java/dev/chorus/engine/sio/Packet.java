package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A decoded Socket.IO packet. Binary attachments are already put back into {@code data} as binary nodes, so EVENT
 * and BINARY_EVENT (ACK and BINARY_ACK) look alike here; the encoder picks the binary type when it finds binary.
 *
 * @param ackId the acknowledgement id, or -1 when there is none
 * @param data  the payload, or null when the packet has none
 */
public record Packet(PacketType type, String nsp, long ackId, JsonNode data) {
    public static final long NO_ACK = -1;

    public boolean hasAck() {
        return ackId >= 0;
    }

    public static Packet event(String nsp, JsonNode data) {
        return new Packet(PacketType.EVENT, nsp, NO_ACK, data);
    }

    /** Whether a payload holds binary anywhere: then it travels with attachments (or as msgpack). */
    public static boolean hasBinary(JsonNode node) {
        if (node.isBinary()) {
            return true;
        }
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (hasBinary(child)) {
                    return true;
                }
            }
        }
        return false;
    }
}
