package dev.chorus.engine.sio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.Objects;

/**
 * A decoded Socket.IO packet. Binary attachments are already put back into {@code data} as binary nodes, so EVENT
 * and BINARY_EVENT (ACK and BINARY_ACK) look alike here; the encoder picks the binary type when it finds binary.
 *
 * <p>An event may instead hold its arguments as the JSON text they arrived in ({@link #encodedEvent}): a broadcast
 * read from the cluster goes to its sockets as written, and becomes a tree only if something asks for its
 * {@link #data()}. Parsing every broadcast into a tree only to write it out again cost a node a tenth of its CPU.
 */
public final class Packet {
    public static final long NO_ACK = -1;
    private static final ObjectReader TREES = new ObjectMapper().reader();

    private final PacketType type;
    private final String nsp;
    private final long ackId;
    private final String event;
    private final String json;
    private volatile JsonNode data;

    /**
     * @param ackId the acknowledgement id, or -1 when there is none
     * @param data  the payload, or null when the packet has none
     */
    public Packet(PacketType type, String nsp, long ackId, JsonNode data) {
        this(type, nsp, ackId, null, null, data);
    }

    private Packet(PacketType type, String nsp, long ackId, String event, String json, JsonNode data) {
        this.type = type;
        this.nsp = nsp;
        this.ackId = ackId;
        this.event = event;
        this.json = json;
        this.data = data;
    }

    public static Packet event(String nsp, JsonNode data) {
        return new Packet(PacketType.EVENT, nsp, NO_ACK, data);
    }

    /**
     * An event without acknowledgement whose arguments are JSON text, without binary.
     *
     * @param event its name, the first of the arguments
     * @param json  the array of its arguments, its name first, as JSON text
     */
    public static Packet encodedEvent(String nsp, String event, String json) {
        return new Packet(PacketType.EVENT, nsp, NO_ACK, Objects.requireNonNull(event), Objects.requireNonNull(json),
                null);
    }

    public PacketType type() {
        return type;
    }

    public String nsp() {
        return nsp;
    }

    public long ackId() {
        return ackId;
    }

    public boolean hasAck() {
        return ackId >= 0;
    }

    /** The payload, read from the JSON text the first time it is asked for when the packet holds text. */
    public JsonNode data() {
        JsonNode tree = data;
        if (tree == null && json != null) {
            try {
                tree = TREES.readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("an encoded event's arguments are not JSON", e);
            }
            data = tree;
        }
        return tree;
    }

    /** The arguments' JSON text when the packet holds them as text, else null. */
    String json() {
        return json;
    }

    /** An event's name, or null when this is no event or the event's first argument is no name. */
    public String event() {
        if (event != null) {
            return event;
        }
        JsonNode tree = data;
        if (type != PacketType.EVENT && type != PacketType.BINARY_EVENT || tree == null) {
            return null;
        }
        JsonNode name = tree.path(0);
        return name.isTextual() ? name.asText() : null;
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

    @Override
    public boolean equals(Object other) {
        return other instanceof Packet packet && type == packet.type && ackId == packet.ackId
                && nsp.equals(packet.nsp) && Objects.equals(data(), packet.data());
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, nsp, ackId, data());
    }

    @Override
    public String toString() {
        return "Packet[type=" + type + ", nsp=" + nsp + ", ackId=" + ackId + ", data="
                + (json != null ? json : data) + "]";
    }
}
