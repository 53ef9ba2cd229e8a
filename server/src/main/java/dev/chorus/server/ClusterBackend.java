package dev.chorus.server;

import dev.chorus.chat.rooms.MessageEmits;
import dev.chorus.cluster.adapter.ClusterBus;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.cluster.registry.ClusterNode;
import dev.chorus.cluster.registry.NodeRegistry;
import dev.chorus.cluster.routing.SessionIds;
import dev.chorus.cluster.store.RedisAccountStore;
import dev.chorus.cluster.store.RedisBudgets;
import dev.chorus.cluster.store.RedisContactStore;
import dev.chorus.cluster.store.RedisHistoryStore;
import dev.chorus.cluster.store.RedisKeys;
import dev.chorus.cluster.store.RedisOccupantStore;
import dev.chorus.cluster.store.RedisPresence;
import dev.chorus.cluster.store.RedisPublisher;
import dev.chorus.cluster.store.RedisRoomSettingsStore;
import dev.chorus.cluster.store.RedisSessionStore;
import dev.chorus.cluster.store.RedisUserConnections;
import dev.chorus.cluster.xmpp.RedisResumptionStore;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.sio.AdapterFactory;
import dev.chorus.engine.sio.RecoveryOptions;
import dev.chorus.server.config.Keys;
import dev.chorus.server.config.Settings;
import dev.chorus.xmpp.bosh.BoshRouting;
import dev.chorus.xmpp.stream.ResumptionStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A node in a cluster: everything shared lives in Redis, and the node announces itself there. */
final class ClusterBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(ClusterBackend.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final RedisBackbone redis;
    /** What every key and channel of this node starts with: empty for the cluster's, a private one's own. */
    private final String namespace;
    private final String prefix;
    private final ClusterBus bus;
    private final String nodeId;
    private final RedisResumptionStore resumptions;
    private final SessionIds sessionIds;
    private final String route;
    private final Clock clock;
    private volatile NodeRegistry registry;
    private final RedisPresence presence;
    private final RedisUserConnections connections;
    private final Duration presenceGrace;
    private final ChatStores stores;

    private ClusterBackend(RedisBackbone redis, String namespace, ClusterBus bus, Settings settings, Clock clock,
            String nodeId, String route) {
        this.redis = redis;
        this.namespace = namespace;
        this.prefix = namespace + RedisKeys.DEFAULT_PREFIX;
        this.bus = bus;
        this.nodeId = nodeId;
        this.sessionIds = new SessionIds(nodeId);
        // A live stream is silent at most a ping interval and its wait for the answer; a lost one waits the window.
        this.resumptions = new RedisResumptionStore(redis, prefix, nodeId, settings.get(Keys.XMPP_PING_INTERVAL)
                .multipliedBy(2).plus(settings.get(Keys.XMPP_RESUME_WINDOW)));
        this.route = route;
        this.clock = clock;
        this.presence = new RedisPresence(redis, nodeId, settings.get(Keys.MAX_ROOMS_PER_USER), prefix);
        this.connections = new RedisUserConnections(redis, nodeId, settings.get(Keys.MAX_CONNECTIONS_PER_USER),
                prefix);
        this.presenceGrace = settings.get(Keys.PRESENCE_GRACE);
        RedisPublisher.Limits limits = new RedisPublisher.Limits(settings.get(Keys.MESSAGE_RATE),
                settings.get(Keys.MESSAGE_BURST), settings.get(Keys.HISTORY_SIZE), settings.get(Keys.HISTORY_MAX_AGE), REMEMBER_SENT);
        this.stores = new ChatStores(new RedisAccountStore(redis, prefix), new RedisContactStore(redis, prefix),
                new RedisSessionStore(redis, settings.get(Keys.SESSION_MAX), prefix), new RedisHistoryStore(redis, prefix),
                nsp -> new RedisPublisher(redis, post -> {
                    // The id is the script's to give: the stream entry carries a slot where the payload's id goes.
                    MessageEmits.Emit emit = MessageEmits.of(post, 0);
                    return bus.storedBroadcast(nsp.name(), emit.event(), emit.rooms(), emit.payload());
                }, limits, clock, prefix), presence, new RedisRoomSettingsStore(redis, prefix),
                new RedisOccupantStore(redis, prefix), connections, new RedisBudgets(redis, clock, prefix));
    }

    /** What the node does once it finds it must wait for Redis (it listens, to say it is not ready). */
    interface Waiting {
        void begin() throws InterruptedException;
    }

    /**
     * Connects to Redis, on the node's event loops, and joins the cluster stream; the node is announced by
     * {@link #announce}.
     *
     * @param namespace put before every key and channel: empty for the cluster's own; another gives a node a cluster
     *     of its own in the same Redis, whose keys are deleted when it closes (a warm-up's private node)
     */
    static ClusterBackend start(Settings settings, String namespace, RecoveryOptions recovery, Clock clock,
            String nodeId, String route, EventLoopGroup loops, MeterRegistry meters, Waiting whileWaiting)
            throws InterruptedException {
        RedisBackbone redis = RedisBackbone.connectWhenReachable(settings.get(Keys.REDIS), loops, meters, why -> {
            log.warn("redis {}: not reachable ({}); waiting for it, the node is not ready meanwhile",
                    RedisBackbone.describe(settings.get(Keys.REDIS)), why.getMessage());
            try {
                whileWaiting.begin();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Redis", e);
            }
        });
        try {
            ClusterBus.Settings shared = ClusterBus.Settings.defaults();
            ClusterBus bus = ClusterBus.start(redis, new ClusterBus.Settings(namespace + shared.streamName(),
                    namespace + shared.channelPrefix(), namespace + shared.sessionPrefix(), shared.maxLength()), recovery)
                    .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            bus.instrument(meters);
            return new ClusterBackend(redis, namespace, bus, settings, clock, nodeId, route);
        } catch (ExecutionException | TimeoutException e) {
            redis.close();
            throw new IllegalStateException("could not join the cluster in " + redis.describe() + ": " + e, e);
        } catch (InterruptedException | RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    @Override
    public void announce(String address, Supplier<Map<String, Object>> load) throws InterruptedException {
        NodeRegistry joined = new NodeRegistry(redis, prefix, new ClusterNode(nodeId, address, route, clock.millis()));
        joined.reportLoad(load);
        joined.onNodeDead(connections::purgeNode);
        joined.onNodeDead("presence", presenceGrace, this::purgePresence);
        try {
            joined.start().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            joined.close();
            throw new IllegalStateException("could not announce node " + nodeId + " in " + redis.describe(), e);
        }
        registry = joined;
    }

    /**
     * A dead node's users leave their rooms only after the grace: most of its clients are back on other nodes within
     * seconds, in the same rooms, and to the others they never left — no offline and online again for each, and none
     * of the work that costs the cluster while those clients come back at once.
     */
    private CompletableFuture<Void> purgePresence(String dead) {
        return presence.purgeNode(dead).thenAccept(gone -> {
            if (!gone.isEmpty()) {
                log.info("node {}: its users not back within {} s left their rooms ({} places taken out)", dead,
                        presenceGrace.toSeconds(), gone.size());
            }
        });
    }

    @Override
    public ChatStores stores() {
        return stores;
    }

    @Override
    public AdapterFactory adapterFactory() {
        return bus.adapterFactory();
    }

    /**
     * Session ids carry this node's id; a request for another node's session is forwarded there, so that a balancer
     * needs no affinity.
     */
    @Override
    public EngineOptions.Builder routeSessions(EngineOptions.Builder engine) {
        return engine.sessionIds(sessionIds::next).sessionHolders(this::holderOf);
    }

    /** XMPP sessions a client may resume are recorded in Redis, for any node to take over. */
    @Override
    public ResumptionStore resumptions() {
        return resumptions;
    }

    /** BOSH sessions are routed as Engine.IO ones are: by the node their id names. */
    @Override
    public BoshRouting routeBosh() {
        return new ForwardedBoshSessions(sessionIds::next, this::holderOf);
    }

    /** @return the live node holding a session named by another node, once found; null if it is no other's */
    private CompletableFuture<InetSocketAddress> holderOf(String sid) {
        String holder = sessionIds.holderOf(sid);
        if (holder == null || holder.equals(nodeId)) {
            return null;
        }
        NodeRegistry current = registry;
        // Until this node has announced itself it serves requests already; the holder is found all the same.
        return (current == null ? NodeRegistry.findLive(redis, prefix, holder) : current.findLive(holder))
                .thenApply(node -> node == null ? null : node.socketAddress());
    }

    @Override
    public boolean isReady() {
        return bus.isReady();
    }

    @Override
    public CompletableFuture<List<Map<String, Object>>> nodes() {
        NodeRegistry registry = this.registry;
        if (registry == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        return registry.liveNodes().thenCompose(nodes -> registry.loads(nodes.stream().map(ClusterNode::id).toList())
                .thenApply(loads -> nodes.stream().map(node -> {
                    Map<String, Object> card = new LinkedHashMap<>();
                    card.put("id", node.id());
                    card.put("address", node.address());
                    card.put("route", node.route());
                    card.put("startedAt", node.startedAt());
                    card.put("self", node.id().equals(nodeId));
                    if (loads.containsKey(node.id())) {
                        card.put("load", loads.get(node.id()));
                    }
                    return card;
                }).toList()));
    }

    @Override
    public CompletableFuture<Void> leave() {
        NodeRegistry registry = this.registry;
        return registry == null ? CompletableFuture.completedFuture(null) : registry.leave();
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
        if (!namespace.isEmpty()) {
            try {
                RedisKeys.deleteAll(redis, namespace).get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.warn("the keys under {} in {} were not all deleted", namespace, redis.describe(), e);
            }
        }
        bus.close();
        redis.close();
    }

    @Override
    public String toString() {
        return "cluster in " + redis.describe() + " as node " + nodeId;
    }
}
