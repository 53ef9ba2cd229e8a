package dev.chorus.cluster.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.engine.sio.Ack;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.LocalRooms;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Answers what another server asks of this node's sockets over pub/sub — {@code fetchSockets()},
 * {@code serverSideEmit} with an ack, {@code emitWithAck} to the clients — on the private channel of the server
 * that asked, as Node's adapters expect.
 */
final class PeerRequests {
    private static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(5);

    /** Sends an answer to the server of that uid. */
    @FunctionalInterface
    interface Responder {
        void respond(String requesterUid, MessageType type, JsonNode data);
    }

    private final Namespace nsp;
    private final LocalRooms local;
    private final Responder responder;

    PeerRequests(Namespace nsp, LocalRooms local, Responder responder) {
        this.nsp = nsp;
        this.local = local;
        this.responder = responder;
    }

    private void respond(String requesterUid, MessageType type, JsonNode data) {
        responder.respond(requesterUid, type, data);
    }

    void answerFetch(JsonNode data, String requesterUid) {
        ObjectNode response = JsonNodeFactory.instance.objectNode().put("requestId", data.path("requestId").asText());
        ArrayNode sockets = response.putArray("sockets");
        local.sockets(ClusterCodec.readOptions(data.path("opts")))
                .forEach(socket -> sockets.add(ClusterCodec.describe(socket)));
        respond(requesterUid, MessageType.FETCH_SOCKETS_RESPONSE, response);
    }

    /**
     * An event from another server. One that asks for an answer always gets one — null when nothing here listens —
     * so that a Node peer's {@code serverSideEmitWithAck} hears from every server it counted, in time.
     */
    void serverSideEmit(JsonNode data, String requesterUid) {
        JsonNode packet = data.path("packet");
        if (!packet.isArray()) {
            return;
        }
        String requestId = data.has("requestId") ? data.get("requestId").asText() : null;
        Ack ack = requestId == null ? Ack.NONE : new ServerSideAck(requesterUid, requestId);
        if (!nsp.dispatchServerSideEmit((ArrayNode) packet, ack) && requestId != null) {
            ack.send((Object) null);
        }
    }

    /** Sends the first argument of the answer back to the emitting server, once. */
    private final class ServerSideAck implements Ack {
        private final String requesterUid;
        private final String requestId;
        private final AtomicBoolean sent = new AtomicBoolean();

        ServerSideAck(String requesterUid, String requestId) {
            this.requesterUid = requesterUid;
            this.requestId = requestId;
        }

        @Override
        public void send(Object... args) {
            if (!sent.compareAndSet(false, true)) {
                return;
            }
            ObjectNode response = JsonNodeFactory.instance.objectNode().put("requestId", requestId);
            Object first = args.length > 0 ? args[0] : null;
            response.set("packet", first == null ? JsonNodeFactory.instance.nullNode()
                    : ClusterCodec.JSON.valueToTree(first));
            respond(requesterUid, MessageType.SERVER_SIDE_EMIT_RESPONSE, response);
        }

        @Override
        public boolean requested() {
            return true;
        }
    }

    /** A broadcast whose every client ack goes back to the requester, as Node's {@code emitWithAck} expects. */
    void broadcastWithAck(JsonNode data, String requesterUid) {
        String requestId = data.path("requestId").asText();
        JsonNode eventData = data.path("packet").path("data");
        if (!eventData.isArray() || eventData.isEmpty()) {
            return;
        }
        BroadcastOptions options = ClusterCodec.readOptions(data.path("opts"));
        long timeoutMs = data.path("opts").path("flags").path("timeout").asLong(DEFAULT_ACK_TIMEOUT.toMillis());
        List<Socket> sockets = local.sockets(options);
        respond(requesterUid, MessageType.BROADCAST_CLIENT_COUNT,
                JsonNodeFactory.instance.objectNode().put("requestId", requestId).put("clientCount", sockets.size()));
        String event = eventData.get(0).asText();
        Object[] args = new Object[eventData.size() - 1];
        for (int i = 1; i < eventData.size(); i++) {
            args[i - 1] = eventData.get(i);
        }
        for (Socket socket : sockets) {
            socket.emitWithAck(Duration.ofMillis(timeoutMs), event, args).thenAccept(reply -> {
                ObjectNode ack = JsonNodeFactory.instance.objectNode().put("requestId", requestId);
                ack.set("packet", reply.size() > 0 ? reply.get(0) : JsonNodeFactory.instance.nullNode());
                respond(requesterUid, MessageType.BROADCAST_ACK, ack);
            });
        }
    }
}
