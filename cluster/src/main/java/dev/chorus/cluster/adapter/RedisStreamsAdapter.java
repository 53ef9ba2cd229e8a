package dev.chorus.cluster.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.engine.sio.Adapter;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.LocalRooms;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Packet;
import dev.chorus.engine.sio.PacketType;
import dev.chorus.engine.sio.PersistedSession;
import dev.chorus.engine.sio.ReplayedPacket;
import dev.chorus.engine.sio.Socket;
import io.lettuce.core.StreamMessage;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A namespace's adapter in the cluster. A durable broadcast is appended to the cluster stream and reaches every
 * socket — this node's too — when the node reads it back, so that all nodes deliver in the stream's one order and a
 * socket's offsets only grow. Volatile broadcasts go over pub/sub and are delivered here at once.
 *
 * <p>A socket's recovery session (pid, rooms, data) is kept in Redis while it lives, not only when it closes, so
 * that its client can recover on another node after this one is killed — from when its client has heard an offset,
 * without which it cannot ask.
 */
final class RedisStreamsAdapter implements Adapter {
    private static final Logger log = LoggerFactory.getLogger(RedisStreamsAdapter.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int REPLAY_PAGE = 500;
    /** Broadcasts kept for recoveries to replay from memory: some 25 s of a busy cluster at 400 messages a second. */
    private static final int RECENT = 10_000;
    /** And at most this many bytes of them: 10 000 chat messages of 800 bytes. */
    private static final int RECENT_BYTES = 8 << 20;
    
    private final Namespace nsp;
    private final ClusterBus bus;
    private final StreamTransport transport;
    private final LocalRooms local;
    private final PeerRequests peers;
    private final EmitterBridge emitter;
    private final String uid;
    private final RecoverySessions sessions;
    /** Live sockets with a recovery session in Redis: socket id to pid. */
    private final Map<String, String> liveSessions = new ConcurrentHashMap<>();
    /** Live sockets whose rooms changed since their session was last written. */
    private final Set<String> unsaved = ConcurrentHashMap.newKeySet();
    /** Sockets whose disconnection was just persisted for recovery: their session key must stay. */
    private final Set<String> persisted = ConcurrentHashMap.newKeySet();
    /**
     * Recovered sockets and the session they were restored from, as their claim left it in Redis, until their session
     * is first written: a socket back in the same rooms with the same data has nothing to write.
     */
    private final Map<String, PersistedSession> restored = new ConcurrentHashMap<>();
    /** Recovered sockets that already have every entry up to an offset the reader has not reached yet. */
    private final Map<String, StreamId> resumedAt = new ConcurrentHashMap<>();
    private final RecentBroadcasts recent;

    RedisStreamsAdapter(Namespace nsp, ClusterBus bus) {
        this.nsp = nsp;
        this.bus = bus;
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        this.uid = HexFormat.of().formatHex(bytes);
        this.transport = new StreamTransport(bus, nsp.name(), uid);
        this.local = new LocalRooms(nsp, this::alreadyHas);
        this.peers = new PeerRequests(nsp, local, transport::respond);
        this.emitter = new EmitterBridge(nsp, local, transport, this::applyRequest);
        this.sessions = new RecoverySessions(bus.redis().strings(), bus.settings().sessionPrefix(),
                bus.settings().streamName(), uid);
        this.recent = new RecentBroadcasts(nsp.name(), bus.positionAfterDelivery(), RECENT, RECENT_BYTES);
    }

    String uid() {
        return uid;
    }

    // ---- broadcasts ----

    @Override
    public void broadcast(Packet packet, BroadcastOptions options) {
        if (options.local()) {
            local.deliver(packet, options, null);
            return;
        }
        ArrayNode eventData = (ArrayNode) packet.data();
        if (packet.type() != PacketType.EVENT || packet.hasAck() || options.isVolatile()) {
            transport.publish(MessageType.BROADCAST, ClusterCodec.broadcastData(eventData, options));
            local.deliver(packet, options, null);
            return;
        }
        transport.append(MessageType.BROADCAST, ClusterCodec.broadcastData(eventData, options))
                .whenComplete((id, error) -> {
                    if (error != null) {
                        // The cluster cannot have it; this node's sockets still do, without an offset to recover by.
                        log.warn("namespace {}: broadcast not shared with the cluster, delivered on this node only: {}",
                                nsp.name(), error.toString());
                        local.deliver(packet, options, null);
                    }
                });
    }

    /** Over pub/sub, as Node's adapters send it: at most once, to the nodes subscribed now. */
    @Override
    public void serverSideEmit(ArrayNode event) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.set("packet", event);
        transport.publish(MessageType.SERVER_SIDE_EMIT, data);
    }

    /** An entry of the cluster stream, in stream order, on the reader's thread. */
    void onStreamEntry(String entryId, Map<String, String> fields) {
        MessageType type = MessageType.of(fields.get("type"));
        String rawData = fields.get("data");
        if (rawData == null) {
            return;
        }
        if (type == MessageType.BROADCAST) {
            StreamId id = StreamId.parse(entryId);
            EncodedBroadcast broadcast = id == null ? null : EncodedBroadcast.read(rawData, entryId);
            if (broadcast != null) {
                local.deliver(broadcast.packet(nsp.name()), broadcast.options(), entryId);
                recent.add(id, broadcast.options(), rawData);
                return;
            }
        }
        JsonNode data = ClusterCodec.readStreamData(rawData);
        switch (type) {
            case BROADCAST -> deliverBroadcast(data, entryId, rawData);
            case SOCKETS_JOIN, SOCKETS_LEAVE, DISCONNECT_SOCKETS -> {
                // Node peers apply their own at once; entries of this node's uid are theirs to ignore, not ours.
                if (!uid.equals(fields.get("uid"))) {
                    applyRequest(type, data);
                }
            }
            default -> log.debug("namespace {}: stream entry {} of type {} ignored", nsp.name(), entryId, type);
        }
    }

    /** @param entryId its stream entry's id, and {@code rawData} that entry's data; both null from pub/sub */
    private void deliverBroadcast(JsonNode data, String entryId, String rawData) {
        JsonNode packet = data.path("packet");
        if (!packet.path("data").isArray()) {
            return;
        }
        BroadcastOptions options = ClusterCodec.readOptions(data.path("opts"));
        boolean durable = packet.path("type").asInt() == ClusterCodec.EVENT && !packet.has("id")
                && !options.isVolatile();
        StreamId id = durable && entryId != null ? StreamId.parse(entryId) : null;
        if (id == null) {
            local.deliver(Packet.event(nsp.name(), (ArrayNode) packet.get("data")), options, null);
            return;
        }
        local.deliver(Packet.event(nsp.name(), ClusterCodec.eventWithOffset(data, entryId)), options, entryId);
        recent.add(id, options, rawData);
    }

    /** A request of another node (or a Node peer), for this node's sockets alone. */
    private void applyRequest(MessageType type, JsonNode data) {
        BroadcastOptions options = ClusterCodec.readOptions(data.path("opts"));
        switch (type) {
            case SOCKETS_JOIN -> local.socketsJoin(options, ClusterCodec.strings(data.path("rooms")));
            case SOCKETS_LEAVE -> local.socketsLeave(options, ClusterCodec.strings(data.path("rooms")));
            case DISCONNECT_SOCKETS -> local.disconnectSockets(options, data.path("close").asBoolean(false));
            default -> throw new IllegalArgumentException("not a request type: " + type);
        }
    }

    @Override
    public void socketsJoin(BroadcastOptions options, Set<String> rooms) {
        local.socketsJoin(options, rooms);
        request(MessageType.SOCKETS_JOIN, ClusterCodec.roomsRequest(options, rooms), options);
    }

    @Override
    public void socketsLeave(BroadcastOptions options, Set<String> rooms) {
        local.socketsLeave(options, rooms);
        request(MessageType.SOCKETS_LEAVE, ClusterCodec.roomsRequest(options, rooms), options);
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        local.disconnectSockets(options, close);
        request(MessageType.DISCONNECT_SOCKETS, ClusterCodec.disconnectRequest(options, close), options);
    }

    /** The other nodes apply it from the stream, in order with the broadcasts around it; this one already has. */
    private void request(MessageType type, JsonNode data, BroadcastOptions options) {
        if (options.local()) {
            return;
        }
        transport.append(type, data).whenComplete((id, error) -> {
            if (error != null) {
                log.warn("namespace {}: request of type {} not shared with the cluster, applied on this node only: {}",
                        nsp.name(), type, error.toString());
            }
        });
    }

    @Override
    public LocalRooms localRooms() {
        return local;
    }

    /** Whether a recovered socket already has the entry at {@code offset}, from its replay. */
    private boolean alreadyHas(Socket socket, String offset) {
        if (resumedAt.isEmpty()) {
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
        boolean classicRequest = transport.isClassicRequestChannel(channel);
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
            emitter.onRequest(message);
            return;
        }
        if (uid.equals(message.path("uid").asText()) || !nsp.name().equals(message.path("nsp").asText())) {
            return;
        }
        JsonNode data = message.path("data");
        switch (MessageType.of(message.path("type").asInt(-1))) {
            case BROADCAST -> {
                if (data.has("requestId")) {
                    peers.broadcastWithAck(data, message.path("uid").asText());
                } else {
                    deliverBroadcast(data, null, null);
                }
            }
            case FETCH_SOCKETS -> peers.answerFetch(data, message.path("uid").asText());
            case SERVER_SIDE_EMIT -> peers.serverSideEmit(data, message.path("uid").asText());
            case SUPERSEDE -> superseded(data.path("sid").asText(), data.path("pid").asText(),
                    message.path("uid").asText());
            default -> log.debug("namespace {}: cluster message of type {} ignored", nsp.name(),
                    message.path("type").asInt());
        }
    }

    /** A broadcast of {@code @socket.io/redis-emitter} on this namespace's classic channel; any thread. */
    void onClassicBroadcast(String channel, byte[] raw) {
        emitter.onBroadcast(channel, raw);
    }

    // ---- rooms, kept in Redis for recovery ----

    @Override
    public void addAll(String socketId, Set<String> rooms) {
        boolean changed = !local.isInAll(socketId, rooms);
        local.addAll(socketId, rooms);
        if (changed) {
            saveLiveSession(socketId);
        }
    }

    @Override
    public void del(String socketId, String room) {
        boolean changed = local.isInAll(socketId, Set.of(room));
        local.del(socketId, room);
        if (changed) {
            saveLiveSession(socketId);
        }
    }

    @Override
    public void delAll(String socketId) {
        local.delAll(socketId);
        unsaved.remove(socketId);
        restored.remove(socketId);
        resumedAt.remove(socketId);
        String pid = liveSessions.remove(socketId);
        if (pid != null && !persisted.remove(socketId)) {
            sessions.drop(pid);
        }
    }

    /** The socket's session belongs to the socket that took it over: only this node's traces of it go. */
    @Override
    public void release(String socketId) {
        local.delAll(socketId);
        unsaved.remove(socketId);
        restored.remove(socketId);
        resumedAt.remove(socketId);
        liveSessions.remove(socketId);
        persisted.remove(socketId);
    }

    /** Its client holds an offset now, and can ask for the socket back: its session must be in Redis. */
    @Override
    public void firstOffsetSent(Socket socket) {
        saveLiveSession(socket.id());
    }

    /**
     * Writes the socket's session once the work under way on its loop is done: the rooms a connection joins on
     * connecting (its own, its user's), or a room and its presence channel, go to Redis in one write. Nothing is
     * written for a socket whose client has heard no offset yet: such a client cannot ask for its socket back (it
     * asks with the last offset it heard), and a socket's rooms on connecting and on its first joins go to Redis in
     * one write, when the first broadcast reaches it.
     */
    private void saveLiveSession(String socketId) {
        Socket socket = nsp.socket(socketId);
        if (socket == null || !socket.recoverable() || !unsaved.add(socketId)) {
            return;
        }
        socket.executeLater(() -> {
            if (unsaved.remove(socketId)) {
                writeLiveSession(socket);
            }
        });
    }

    private void writeLiveSession(Socket socket) {
        String socketId = socket.id();
        liveSessions.put(socketId, socket.pid());
        PersistedSession session = new PersistedSession(socketId, socket.pid(), local.socketRooms(socketId),
                socket.data().deepCopy());
        if (session.equals(restored.remove(socketId))) {
            // Its claim left this very session in Redis, with a live socket's lifetime: nothing to write.
            return;
        }
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
        unsaved.remove(session.sid());
        restored.remove(session.sid());
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
        return sessions.claim(pid, offset, bus.liveSessionLifetime()).thenApply(claimed -> {
            if (claimed == null) {
                return null;
            }
            if (claimed.previousOwner() != null) {
                transport.respond(claimed.previousOwner(), MessageType.SUPERSEDE, JsonNodeFactory.instance.objectNode()
                        .put("sid", claimed.session().sid()).put("pid", pid));
            }
            return claimed.session();
        });
    }

    /**
     * The entries after the client's offset up to where this node's reader is, from the broadcasts kept in memory
     * when they reach back that far, else read from the stream; what comes later reaches the socket live, as it is
     * in its rooms already. A reader behind the client's offset means the client has more than this
     * node delivered: nothing to replay, and what the reader delivers up to that offset is skipped for it.
     *
     * <p>Asked once the socket is restored from the session, in its rooms: the session is what this node's claim
     * left in Redis, and the socket's first write of its own can be spared when nothing has changed.
     */
    @Override
    public CompletableFuture<List<ReplayedPacket>> replay(PersistedSession session, String offset) {
        restored.put(session.sid(), session);
        StreamId after = StreamId.parse(offset);
        StreamId upTo = bus.positionAfterDelivery();
        if (after == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (upTo.compareTo(after) <= 0) {
            resumedAt.put(session.sid(), after);
            return CompletableFuture.completedFuture(List.of());
        }
        List<ReplayedPacket> kept = recent.replay(after, upTo, session.rooms());
        if (kept != null) {
            return CompletableFuture.completedFuture(kept);
        }
        List<ReplayedPacket> missed = new ArrayList<>();
        return replayPage(session, after, upTo, missed);
    }

    private CompletableFuture<List<ReplayedPacket>> replayPage(PersistedSession session, StreamId after,
            StreamId upTo, List<ReplayedPacket> missed) {
        return transport.entries(after, upTo, REPLAY_PAGE).thenCompose(entries -> {
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
        if (!nsp.name().equals(fields.get("nsp")) || MessageType.of(fields.get("type")) != MessageType.BROADCAST
                || fields.get("data") == null) {
            return;
        }
        ReplayedPacket replayed = ClusterCodec.replayed(nsp.name(), entry.getId(), fields.get("data"),
                session.rooms());
        if (replayed != null) {
            missed.add(replayed);
        }
    }

    @Override
    public void close() {
        liveSessions.clear();
    }
}
