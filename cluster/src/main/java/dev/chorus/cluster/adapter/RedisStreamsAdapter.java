package dev.chorus.cluster.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.engine.sio.Ack;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.InMemoryAdapter;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Packet;
import dev.chorus.engine.sio.PacketType;
import dev.chorus.engine.sio.PersistedSession;
import dev.chorus.engine.sio.ReplayedPacket;
import dev.chorus.engine.sio.Socket;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A namespace's adapter in the cluster. A durable broadcast is appended to the cluster stream and reaches every
 * socket — this node's too — when the node reads it back, so that all nodes deliver in the stream's one order and a
 * socket's offsets only grow. Volatile broadcasts go over pub/sub and are delivered here at once.
 *
 * <p>A socket's recovery session (pid, rooms, data) is kept in Redis while it lives, not only when it closes, so
 * that its client can recover on another node after this one is killed.
 */
final class RedisStreamsAdapter extends InMemoryAdapter {
    private static final Logger log = LoggerFactory.getLogger(RedisStreamsAdapter.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int REPLAY_PAGE = 500;
    private static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(5);

    private final ClusterBus bus;
    private final String uid;
    private final RecoverySessions sessions;
    /** Live sockets with a recovery session in Redis: socket id to pid. */
    private final Map<String, String> liveSessions = new ConcurrentHashMap<>();
    /** Sockets whose disconnection was just persisted for recovery: their session key must stay. */
    private final Set<String> persisted = ConcurrentHashMap.newKeySet();
    /** Recovered sockets that already have every entry up to an offset the reader has not reached yet. */
    private final Map<String, StreamId> resumedAt = new ConcurrentHashMap<>();

    RedisStreamsAdapter(Namespace nsp, ClusterBus bus) {
        super(nsp, null, Clock.systemUTC());
        this.bus = bus;
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        this.uid = HexFormat.of().formatHex(bytes);
        this.sessions = new RecoverySessions(bus.redis().strings(), bus.settings().sessionPrefix(),
                bus.settings().streamName(), uid);
    }

    String uid() {
        return uid;
    }

    // ---- broadcasts ----

    @Override
    public void broadcast(Packet packet, BroadcastOptions options) {
        if (options.local()) {
            super.broadcast(packet, options);
            return;
        }
        ArrayNode eventData = (ArrayNode) packet.data();
        if (packet.type() != PacketType.EVENT || packet.hasAck() || options.isVolatile()) {
            publish(ClusterCodec.BROADCAST, ClusterCodec.broadcastData(eventData, options));
            super.broadcast(packet, options);
            return;
        }
        bus.append(uid, nsp.name(), ClusterCodec.BROADCAST, ClusterCodec.streamData(
                ClusterCodec.broadcastData(eventData, options))).whenComplete((id, error) -> {
                    if (error != null) {
                        // The cluster cannot have it; this node's sockets still do, without an offset to recover by.
                        log.warn("namespace {}: broadcast not shared with the cluster, delivered on this node only: {}",
                                nsp.name(), error.toString());
                        super.broadcast(packet, options);
                    }
                });
    }

    /** Over pub/sub, as Node's adapters send it: at most once, to the nodes subscribed now. */
    @Override
    public void serverSideEmit(ArrayNode event) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.set("packet", event);
        publish(ClusterCodec.SERVER_SIDE_EMIT, data);
    }

    private void publish(int type, JsonNode data) {
        bus.redis().bytes().publish(bus.publicChannel(nsp.name()),
                ClusterCodec.msgpack(ClusterCodec.message(type, data, uid, nsp.name())));
    }

    /** An entry of the cluster stream, in stream order, on the reader's thread. */
    void onStreamEntry(String entryId, Map<String, String> fields) {
        int type = Integer.parseInt(fields.getOrDefault("type", "0"));
        String rawData = fields.get("data");
        if (rawData == null) {
            return;
        }
        JsonNode data = ClusterCodec.readStreamData(rawData);
        switch (type) {
            case ClusterCodec.BROADCAST -> deliverBroadcast(data, entryId);
            case ClusterCodec.SOCKETS_JOIN, ClusterCodec.SOCKETS_LEAVE, ClusterCodec.DISCONNECT_SOCKETS -> {
                // Node peers apply their own at once; entries of this node's uid are theirs to ignore, not ours.
                if (!uid.equals(fields.get("uid"))) {
                    applyRequest(type, data);
                }
            }
            default -> log.debug("namespace {}: stream entry {} of type {} ignored", nsp.name(), entryId, type);
        }
    }

    private void deliverBroadcast(JsonNode data, String entryId) {
        JsonNode packet = data.path("packet");
        if (!packet.path("data").isArray()) {
            return;
        }
        ArrayNode eventData = (ArrayNode) packet.get("data");
        BroadcastOptions options = ClusterCodec.readOptions(data.path("opts"));
        String offset = null;
        if (packet.path("type").asInt() == 2 && !packet.has("id") && !options.isVolatile()) {
            offset = entryId;
            eventData.add(offset);
        }
        deliverLocally(Packet.event(nsp.name(), eventData), options, offset);
    }

    /** A request of another node (or a Node peer), for this node's sockets alone. */
    private void applyRequest(int type, JsonNode data) {
        BroadcastOptions options = ClusterCodec.readOptions(data.path("opts"));
        switch (type) {
            case ClusterCodec.SOCKETS_JOIN -> super.socketsJoin(options, ClusterCodec.strings(data.path("rooms")));
            case ClusterCodec.SOCKETS_LEAVE -> super.socketsLeave(options, ClusterCodec.strings(data.path("rooms")));
            case ClusterCodec.DISCONNECT_SOCKETS -> super.disconnectSockets(options, data.path("close").asBoolean(false));
            default -> throw new IllegalArgumentException("not a request type: " + type);
        }
    }

    @Override
    public void socketsJoin(BroadcastOptions options, Set<String> rooms) {
        super.socketsJoin(options, rooms);
        request(ClusterCodec.SOCKETS_JOIN, ClusterCodec.roomsRequest(options, rooms), options);
    }

    @Override
    public void socketsLeave(BroadcastOptions options, Set<String> rooms) {
        super.socketsLeave(options, rooms);
        request(ClusterCodec.SOCKETS_LEAVE, ClusterCodec.roomsRequest(options, rooms), options);
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        super.disconnectSockets(options, close);
        request(ClusterCodec.DISCONNECT_SOCKETS, ClusterCodec.disconnectRequest(options, close), options);
    }

    /** The other nodes apply it from the stream, in order with the broadcasts around it; this one already has. */
    private void request(int type, JsonNode data, BroadcastOptions options) {
        if (options.local()) {
            return;
        }
        bus.append(uid, nsp.name(), type, ClusterCodec.streamData(data)).whenComplete((id, error) -> {
            if (error != null) {
                log.warn("namespace {}: request of type {} not shared with the cluster, applied on this node only: {}",
                        nsp.name(), type, error.toString());
            }
        });
    }

    private List<Socket> localSocketsOf(BroadcastOptions options) {
        List<Socket> sockets = new ArrayList<>();
        for (String id : localSockets(options)) {
            Socket socket = nsp.socket(id);
            if (socket != null) {
                sockets.add(socket);
            }
        }
        return sockets;
    }

    @Override
    protected boolean skips(Socket socket, String offset) {
        if (offset == null || resumedAt.isEmpty()) {
            return false;
        }
        StreamId resumed = resumedAt.get(socket.id());
        if (resumed == null) {
            return false;
        }
        StreamId id = StreamId.parse(offset);
        if (id != null && id.compareTo(resumed) <= 0) {
            return true;
        }
        resumedAt.remove(socket.id(), resumed);
        return false;
    }

    // ---- pub/sub ----

    /** A cluster message or response on one of this namespace's channels; any thread. */
    void onChannelMessage(String channel, byte[] raw) {
        boolean classicRequest = channel.startsWith(bus.settings().channelPrefix() + "-request#");
        JsonNode message;
        try {
            message = classicRequest ? ClusterCodec.readJson(raw) : ClusterCodec.readMsgpack(raw);
        } catch (RuntimeException e) {
            log.warn("namespace {}: unreadable message on {} ignored", nsp.name(), channel);
            return;
        }
        if (!message.isObject()) {
            return;
        }
        if (classicRequest) {
            onClassicRequest(message);
            return;
        }
        if (uid.equals(message.path("uid").asText()) || !nsp.name().equals(message.path("nsp").asText())) {
            return;
        }
        JsonNode data = message.path("data");
        switch (message.path("type").asInt()) {
            case ClusterCodec.BROADCAST -> {
                if (data.has("requestId")) {
                    broadcastWithAck(data, message.path("uid").asText());
                } else {
                    deliverBroadcast(data, null);
                }
            }
            case ClusterCodec.FETCH_SOCKETS -> answerFetch(data, message.path("uid").asText());
            case ClusterCodec.SERVER_SIDE_EMIT -> serverSideEmit(data, message.path("uid").asText());
            case ClusterCodec.SUPERSEDE -> superseded(data.path("sid").asText(), data.path("pid").asText(),
                    message.path("uid").asText());
            default -> log.debug("namespace {}: cluster message of type {} ignored", nsp.name(),
                    message.path("type").asInt());
        }
    }

    private void respond(String requesterUid, int type, ObjectNode data) {
        bus.redis().bytes().publish(bus.privateChannel(nsp.name(), requesterUid),
                ClusterCodec.msgpack(ClusterCodec.message(type, data, uid, nsp.name())));
    }

    private void answerFetch(JsonNode data, String requesterUid) {
        ObjectNode response = JsonNodeFactory.instance.objectNode().put("requestId", data.path("requestId").asText());
        ArrayNode sockets = response.putArray("sockets");
        localSocketsOf(ClusterCodec.readOptions(data.path("opts"))).forEach(socket -> sockets.add(describe(socket)));
        respond(requesterUid, ClusterCodec.FETCH_SOCKETS_RESPONSE, response);
    }

    /** A socket as Node's {@code fetchSockets()} shows it: id, handshake, rooms and data. */
    private ObjectNode describe(Socket socket) {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("id", socket.id());
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

    /**
     * An event from another server. One that asks for an answer always gets one — null when nothing here listens —
     * so that a Node peer's {@code serverSideEmitWithAck} hears from every server it counted, in time.
     */
    private void serverSideEmit(JsonNode data, String requesterUid) {
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
            respond(requesterUid, ClusterCodec.SERVER_SIDE_EMIT_RESPONSE, response);
        }

        @Override
        public boolean requested() {
            return true;
        }
    }

    /** A broadcast whose every client ack goes back to the requester, as Node's {@code emitWithAck} expects. */
    private void broadcastWithAck(JsonNode data, String requesterUid) {
        String requestId = data.path("requestId").asText();
        JsonNode eventData = data.path("packet").path("data");
        if (!eventData.isArray() || eventData.isEmpty()) {
            return;
        }
        BroadcastOptions options = ClusterCodec.readOptions(data.path("opts"));
        long timeoutMs = data.path("opts").path("flags").path("timeout").asLong(DEFAULT_ACK_TIMEOUT.toMillis());
        List<Socket> sockets = localSocketsOf(options);
        respond(requesterUid, ClusterCodec.BROADCAST_CLIENT_COUNT,
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
                respond(requesterUid, ClusterCodec.BROADCAST_ACK, ack);
            });
        }
    }

    /**
     * A broadcast of {@code @socket.io/redis-emitter} (the classic adapter's format, {@code [uid, packet, opts]}):
     * delivered to this node's sockets. Every node gets it, so it is not appended to the stream, and has no offset.
     */
    void onClassicBroadcast(String channel, byte[] raw) {
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
        deliverLocally(Packet.event(nsp.name(), packet.get("data")), ClusterCodec.readOptions(message.path(2)), null);
    }

    /** The emitter's requests (join, leave, disconnect) and the classic adapter's queries, in JSON. */
    private void onClassicRequest(JsonNode request) {
        int type = request.path("type").asInt(-1);
        switch (type) {
            case 2 -> applyRequest(ClusterCodec.SOCKETS_JOIN, request);
            case 3 -> applyRequest(ClusterCodec.SOCKETS_LEAVE, request);
            case 4 -> applyRequest(ClusterCodec.DISCONNECT_SOCKETS, request);
            case 0, 1, 5 -> answerClassicQuery(type, request);
            default -> log.debug("namespace {}: classic request of type {} ignored", nsp.name(), type);
        }
    }

    /** Classic adapters count this node once it listens on their request channel: it answers their queries. */
    private void answerClassicQuery(int type, JsonNode request) {
        if (!request.has("requestId") || !request.has("uid")) {
            return;
        }
        ObjectNode response = JsonNodeFactory.instance.objectNode().put("requestId", request.get("requestId").asText());
        switch (type) {
            case 0 -> {
                ArrayNode ids = response.putArray("sockets");
                Set<String> rooms = ClusterCodec.strings(request.path("rooms"));
                localSockets(new BroadcastOptions(rooms, Set.of(), false, true)).forEach(ids::add);
            }
            case 1 -> {
                ArrayNode rooms = response.putArray("rooms");
                rooms().forEach(rooms::add);
            }
            default -> {
                ArrayNode sockets = response.putArray("sockets");
                localSocketsOf(ClusterCodec.readOptions(request.path("opts"))).forEach(s -> sockets.add(describe(s)));
            }
        }
        bus.redis().bytes().publish(bus.responseChannel(nsp.name()),
                response.toString().getBytes(StandardCharsets.UTF_8));
    }

    // ---- rooms, kept in Redis for recovery ----

    @Override
    public void addAll(String socketId, Set<String> rooms) {
        super.addAll(socketId, rooms);
        saveLiveSession(socketId);
    }

    @Override
    public void del(String socketId, String room) {
        super.del(socketId, room);
        saveLiveSession(socketId);
    }

    @Override
    public void delAll(String socketId) {
        super.delAll(socketId);
        resumedAt.remove(socketId);
        String pid = liveSessions.remove(socketId);
        if (pid != null && !persisted.remove(socketId)) {
            sessions.drop(pid);
        }
    }

    /** The socket's session belongs to the socket that took it over: only this node's traces of it go. */
    @Override
    public void release(String socketId) {
        super.delAll(socketId);
        resumedAt.remove(socketId);
        liveSessions.remove(socketId);
        persisted.remove(socketId);
    }

    private void saveLiveSession(String socketId) {
        Socket socket = nsp.socket(socketId);
        if (socket == null || socket.pid() == null) {
            return;
        }
        liveSessions.put(socketId, socket.pid());
        PersistedSession session = new PersistedSession(socketId, socket.pid(), socketRooms(socketId),
                socket.data().deepCopy());
        sessions.save(session, bus.liveSessionLifetime()).thenAccept(saved -> {
            if (!saved) {
                // Another node recovered it and its message saying so did not come: this socket was left behind.
                superseded(socketId, socket.pid(), "another node");
            }
        });
    }

    void refreshLiveSessions() {
        sessions.refresh(liveSessions.values(), bus.liveSessionLifetime());
    }

    /** Closes the local socket of that id whose client recovered it on another node, which owns its session now. */
    private void superseded(String socketId, String pid, String by) {
        if (nsp.socket(socketId) != null) {
            log.debug("namespace {}: socket {} recovered by its client on {}; closing the connection it left here",
                    nsp.name(), socketId, by);
            nsp.supersede(socketId, pid);
        }
    }

    // ---- recovery ----

    /** Keeps the session for the recovery window, unless another node's socket took it over meanwhile. */
    @Override
    public CompletableFuture<Void> persistSession(PersistedSession session) {
        persisted.add(session.sid());
        return sessions.save(session, bus.recovery().maxDisconnectionDuration()).thenApply(saved -> null);
    }

    /**
     * Claims the session, and leaves it there: unlike Node's adapter (GETDEL), a restore does not spend it. A client
     * may give up on an attempt after its node read the session — a poll of the new connection answered 400 while
     * nodes restart — and its socket then waits on that node until the heartbeat times out; the client's next
     * attempt must still find the session. The node that held it before is told, so that it closes the socket
     * the client left there.
     */
    @Override
    public CompletableFuture<PersistedSession> restoreSession(String pid, String offset) {
        StreamId id = StreamId.parse(offset);
        if (id == null || pid == null || pid.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return sessions.claim(pid, offset).thenApply(claimed -> {
            if (claimed == null) {
                return null;
            }
            if (claimed.previousOwner() != null) {
                respond(claimed.previousOwner(), ClusterCodec.SUPERSEDE, JsonNodeFactory.instance.objectNode()
                        .put("sid", claimed.session().sid()).put("pid", pid));
            }
            return claimed.session();
        });
    }

    /**
     * The entries after the client's offset up to where this node's reader is; what comes later reaches the socket
     * live, as it is in its rooms already. A reader behind the client's offset means the client has more than this
     * node delivered: nothing to replay, and what the reader delivers up to that offset is skipped for it.
     */
    @Override
    public CompletableFuture<List<ReplayedPacket>> replay(PersistedSession session, String offset) {
        StreamId after = StreamId.parse(offset);
        StreamId upTo = bus.positionAfterDelivery();
        if (after == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (upTo.compareTo(after) <= 0) {
            resumedAt.put(session.sid(), after);
            return CompletableFuture.completedFuture(List.of());
        }
        List<ReplayedPacket> missed = new ArrayList<>();
        return replayPage(session, after, upTo, missed);
    }

    private CompletableFuture<List<ReplayedPacket>> replayPage(PersistedSession session, StreamId after,
            StreamId upTo, List<ReplayedPacket> missed) {
        Range<String> range = Range.from(Range.Boundary.excluding(after.toString()),
                Range.Boundary.including(upTo.toString()));
        return bus.redis().strings().xrange(bus.settings().streamName(), range, Limit.from(REPLAY_PAGE))
                .toCompletableFuture().thenCompose(entries -> {
                    for (StreamMessage<String, String> entry : entries) {
                        collect(session, entry, missed);
                    }
                    if (entries.size() < REPLAY_PAGE) {
                        return CompletableFuture.completedFuture(missed);
                    }
                    StreamId last = StreamId.parse(entries.get(entries.size() - 1).getId());
                    return replayPage(session, last, upTo, missed);
                });
    }

    private void collect(PersistedSession session, StreamMessage<String, String> entry, List<ReplayedPacket> missed) {
        Map<String, String> fields = entry.getBody();
        if (!nsp.name().equals(fields.get("nsp")) || !"3".equals(fields.get("type")) || fields.get("data") == null) {
            return;
        }
        JsonNode data = ClusterCodec.readStreamData(fields.get("data"));
        JsonNode packet = data.path("packet");
        BroadcastOptions options = ClusterCodec.readOptions(data.path("opts"));
        if (!packet.path("data").isArray() || packet.has("id") || options.isVolatile()
                || !options.includes(session.rooms())) {
            return;
        }
        ArrayNode eventData = (ArrayNode) packet.get("data");
        eventData.add(entry.getId());
        missed.add(new ReplayedPacket(entry.getId(), eventData));
    }

    @Override
    public void close() {
        super.close();
        liveSessions.clear();
    }
}
