package dev.chorus.cluster.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.LocalRooms;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Packet;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic Redis adapter's channels, which {@code @socket.io/redis-emitter} speaks: its broadcasts delivered to
 * this node's sockets, its requests (join, leave, disconnect) applied to them, and the classic adapters' queries
 * answered, so that a Node server on the classic adapter counts this node in.
 */
final class EmitterBridge {
    private static final Logger log = LoggerFactory.getLogger(EmitterBridge.class);

    private final Namespace nsp;
    private final LocalRooms local;
    private final StreamTransport transport;
    private final BiConsumer<MessageType, JsonNode> applyRequest;

    /** @param applyRequest applies a join, leave or disconnect to this node's sockets */
    EmitterBridge(Namespace nsp, LocalRooms local, StreamTransport transport,
            BiConsumer<MessageType, JsonNode> applyRequest) {
        this.nsp = nsp;
        this.local = local;
        this.transport = transport;
        this.applyRequest = applyRequest;
    }

    /**
     * A broadcast of {@code @socket.io/redis-emitter} (the classic adapter's format, {@code [uid, packet, opts]}):
     * delivered to this node's sockets. Every node gets it, so it is not appended to the stream, and has no offset.
     */
    void onBroadcast(String channel, byte[] raw) {
        if (raw.length == 0 || (raw[0] & 0xf0) != 0x90) {
            return;
        }
        JsonNode message;
        try {
            message = ClusterCodec.readMsgpack(raw);
        } catch (RuntimeException e) {
            log.warn("namespace {}: unreadable emitter broadcast on {} ignored", nsp.name(), channel);
            return;
        }
        JsonNode packet = message.path(1);
        if (!packet.path("data").isArray() || !nsp.name().equals(packet.path("nsp").asText(nsp.name()))) {
            return;
        }
        local.deliver(Packet.event(nsp.name(), packet.get("data")), ClusterCodec.readOptions(message.path(2)), null);
    }

    /** The emitter's requests (join, leave, disconnect) and the classic adapter's queries, in JSON. */
    void onRequest(JsonNode request) {
        int type = request.path("type").asInt(-1);
        switch (type) {
            case 2 -> applyRequest.accept(MessageType.SOCKETS_JOIN, request);
            case 3 -> applyRequest.accept(MessageType.SOCKETS_LEAVE, request);
            case 4 -> applyRequest.accept(MessageType.DISCONNECT_SOCKETS, request);
            case 0, 1, 5 -> answerQuery(type, request);
            default -> log.debug("namespace {}: classic request of type {} ignored", nsp.name(), type);
        }
    }

    /** Classic adapters count this node once it listens on their request channel: it answers their queries. */
    private void answerQuery(int type, JsonNode request) {
        if (!request.has("requestId") || !request.has("uid")) {
            return;
        }
        ObjectNode response = JsonNodeFactory.instance.objectNode().put("requestId", request.get("requestId").asText());
        switch (type) {
            case 0 -> {
                ArrayNode ids = response.putArray("sockets");
                Set<String> rooms = ClusterCodec.strings(request.path("rooms"));
                local.localSockets(new BroadcastOptions(rooms, Set.of(), false, true)).forEach(ids::add);
            }
            case 1 -> {
                ArrayNode rooms = response.putArray("rooms");
                local.rooms().forEach(rooms::add);
            }
            default -> {
                ArrayNode sockets = response.putArray("sockets");
                local.sockets(ClusterCodec.readOptions(request.path("opts")))
                        .forEach(socket -> sockets.add(ClusterCodec.describe(socket)));
            }
        }
        transport.answerClassic(response.toString().getBytes(StandardCharsets.UTF_8));
    }
}
