package dev.chorus.cluster.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.Packet;
import dev.chorus.engine.sio.PersistedSession;
import dev.chorus.engine.sio.ReplayedPacket;
import dev.chorus.engine.sio.Socket;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * The encodings Node's Socket.IO adapters use in Redis: JSON for stream entries without binary, base64 msgpack for
 * those with, msgpack for whole messages on pub/sub and for recovery sessions.
 */
final class ClusterCodec {
    /** The packet type of an event, as the adapters write it in a broadcast. */
    static final int EVENT = 2;

    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper MSGPACK = new ObjectMapper(new MessagePackFactory());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ClusterCodec() {
    }

    /** The {@code data} field of a stream entry. */
    static String streamData(JsonNode data) {
        try {
            return Packet.hasBinary(data) ? Base64.getEncoder().encodeToString(MSGPACK.writeValueAsBytes(data))
                    : JSON.writeValueAsString(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readStreamData(String data) {
        try {
            return data.startsWith("{") ? JSON.readTree(data) : MSGPACK.readTree(Base64.getDecoder().decode(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] msgpack(JsonNode message) {
        try {
            return MSGPACK.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readMsgpack(byte[] bytes) {
        try {
            return MSGPACK.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readJson(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A broadcast's data: the event without namespace or ack id, and whom it is for. */
    static ObjectNode broadcastData(ArrayNode eventData, BroadcastOptions options) {
        ObjectNode data = NODES.objectNode();
        data.putObject("packet").put("type", EVENT).set("data", eventData);
        data.set("opts", options(options));
        return data;
    }

    /**
     * A broadcast's event arguments, read from its stream data, with its offset added last as recovery wants: the
     * array in {@code data}, changed in place.
     */
    static ArrayNode eventWithOffset(JsonNode data, String offset) {
        return ((ArrayNode) data.path("packet").get("data")).add(offset);
    }

    /**
     * The event a recovering socket in {@code rooms} missed, from its stream entry's data.
     *
     * @return null when the entry is no durable event broadcast or goes to none of the rooms
     */
    static ReplayedPacket replayed(String nsp, String offset, String streamData, Set<String> rooms) {
        EncodedBroadcast broadcast = EncodedBroadcast.read(streamData, offset);
        if (broadcast != null) {
            return broadcast.options().includes(rooms) ? new ReplayedPacket(offset, broadcast.packet(nsp)) : null;
        }
        JsonNode data = readStreamData(streamData);
        JsonNode packet = data.path("packet");
        BroadcastOptions options = readOptions(data.path("opts"));
        if (!packet.path("data").isArray() || packet.path("type").asInt() != EVENT || packet.has("id")
                || options.isVolatile() || !options.includes(rooms)) {
            return null;
        }
        return new ReplayedPacket(offset, Packet.event(nsp, eventWithOffset(data, offset)));
    }

    /** A stream entry's data cut in two where the id goes. */
    record Slotted(String before, String after) {
    }

    /**
     * A broadcast's data, as {@link #broadcastData} writes it, with a slot for the value of the payload's {@code id}
     * property, which is left out.
     *
     * @param payload an object with an {@code id} property and no binary, serialized as it is
     */
    static Slotted broadcastWithIdSlot(String event, Object payload, BroadcastOptions options) {
        StringWriter out = new StringWriter(256);
        try (IdSlotGenerator json = new IdSlotGenerator(JSON.createGenerator(out), out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("packet");
            json.writeNumberField("type", EVENT);
            json.writeArrayFieldStart("data");
            json.writeString(event);
            json.writePayload(JSON, payload);
            json.writeEndArray();
            json.writeEndObject();
            json.writeFieldName("opts");
            json.writeTree(options(options));
            json.writeEndObject();
            json.flush();
            StringBuffer data = out.getBuffer();
            return new Slotted(data.substring(0, json.slot()), data.substring(json.slot()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A join or leave request as Node's adapters write it: {@code {opts, rooms}}. */
    static ObjectNode roomsRequest(BroadcastOptions options, Set<String> rooms) {
        ObjectNode data = NODES.objectNode();
        data.set("opts", options(options));
        ArrayNode list = data.putArray("rooms");
        rooms.forEach(list::add);
        return data;
    }

    /** A disconnect request as Node's adapters write it: {@code {opts, close}}. */
    static ObjectNode disconnectRequest(BroadcastOptions options, boolean close) {
        ObjectNode data = NODES.objectNode();
        data.set("opts", options(options));
        data.put("close", close);
        return data;
    }

    /** Absent flags stay absent: Node's adapters test for presence, so a false would count as set. */
    static ObjectNode options(BroadcastOptions options) {
        ObjectNode opts = NODES.objectNode();
        ArrayNode rooms = opts.putArray("rooms");
        options.rooms().forEach(rooms::add);
        ArrayNode except = opts.putArray("except");
        options.except().forEach(except::add);
        ObjectNode flags = opts.putObject("flags");
        if (options.isVolatile()) {
            flags.put("volatile", true);
        }
        return opts;
    }

    static BroadcastOptions readOptions(JsonNode opts) {
        return new BroadcastOptions(strings(opts.path("rooms")), strings(opts.path("except")),
                opts.path("flags").has("volatile"), false);
    }

    static Set<String> strings(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** A whole cluster message, as pub/sub carries it. */
    static ObjectNode message(MessageType type, JsonNode data, String uid, String nsp) {
        ObjectNode message = NODES.objectNode().put("type", type.code());
        message.set("data", data);
        return message.put("uid", uid).put("nsp", nsp);
    }

    static String encodeSession(PersistedSession session) {
        ObjectNode node = NODES.objectNode().put("sid", session.sid()).put("pid", session.pid());
        ArrayNode rooms = node.putArray("rooms");
        session.rooms().forEach(rooms::add);
        node.set("data", session.data());
        return Base64.getEncoder().encodeToString(msgpack(node));
    }

    static PersistedSession decodeSession(String encoded) {
        JsonNode node = readMsgpack(Base64.getDecoder().decode(encoded));
        JsonNode data = node.path("data");
        return new PersistedSession(node.path("sid").asText(), node.path("pid").asText(), strings(node.path("rooms")),
                data.isObject() ? (ObjectNode) data : NODES.objectNode());
    }

    /** A socket as Node's {@code fetchSockets()} shows it: id, handshake, rooms and data. */
    static ObjectNode describe(Socket socket) {
        ObjectNode node = NODES.objectNode().put("id", socket.id());
        ObjectNode handshake = node.putObject("handshake");
        ObjectNode headers = handshake.putObject("headers");
        socket.handshake().headers().forEach(header -> headers.put(header.getKey().toLowerCase(), header.getValue()));
        handshake.put("time", socket.handshake().time().toString())
                .put("address", socket.handshake().address())
                .put("xdomain", socket.handshake().headers().contains("origin"))
                .put("secure", false)
                .put("issued", socket.handshake().time().toEpochMilli())
                .put("url", socket.handshake().url());
        ObjectNode query = handshake.putObject("query");
        new QueryStringDecoder(socket.handshake().url()).parameters()
                .forEach((name, values) -> query.put(name, values.get(0)));
        handshake.set("auth", socket.handshake().auth());
        ArrayNode rooms = node.putArray("rooms");
        socket.rooms().forEach(rooms::add);
        node.set("data", socket.data().deepCopy());
        return node;
    }
}
