package dev.chorus.cluster.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.redis.RedisBackbone;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.SetArgs;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's members, found through Redis alone: every node writes its card to one hash and keeps a heartbeat key
 * alive. A node whose heartbeat key expired is dead; the first survivor to claim it runs the purges (its connection
 * counts, say) and strikes it from the hash. With a heartbeat every second and a key that lives three, a dead node is
 * found within four seconds. A purge may wait (its presence, while its clients come back elsewhere): when it is due
 * is kept in Redis, in the sorted set {@code <prefix>node-purges-due}, and whichever node beats first after that runs
 * it, the one that found the death alive or not.
 */
public final class NodeRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);
    static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(1);
    static final Duration HEARTBEAT_LIFETIME = Duration.ofSeconds(3);
    private static final Duration PURGE_CLAIM = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisBackbone redis;
    private final String prefix;
    private final ClusterNode self;
    private final ScheduledExecutorService timer;
    private final List<Purge> purges = new CopyOnWriteArrayList<>();
    private volatile Set<String> known = Set.of();
    private volatile Map<String, ClusterNode> live = Map.of();
    private volatile boolean closed;
    /** What this node says of its load at each heartbeat; nothing until {@link #reportLoad}. */
    private volatile Supplier<?> load = Map::of;
    /** No node is declared dead before this time (epoch ms): after Redis was away, the others beat again first. */
    private volatile long quietUntil;

    public NodeRegistry(RedisBackbone redis, String prefix, ClusterNode self) {
        this.redis = redis;
        this.prefix = prefix;
        this.self = self;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "chorus-node-registry");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A fresh node id: short, random, never reused by a restarted node. */
    public static String newNodeId() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Has each heartbeat carry this node's load (its connections, say): the heartbeat key holds it as JSON, so it
     * is never older than a heartbeat and goes with the node.
     */
    public void reportLoad(Supplier<?> load) {
        this.load = load;
    }

    /** The loads the nodes last reported, by node id; a node that reported none is left out. */
    public CompletableFuture<Map<String, JsonNode>> loads(List<String> ids) {
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        return redis.strings().mget(ids.stream().map(this::aliveKey).toArray(String[]::new)).toCompletableFuture()
                .thenApply(values -> {
                    Map<String, JsonNode> loads = new HashMap<>();
                    for (int i = 0; i < ids.size(); i++) {
                        if (values.get(i).hasValue()) {
                            try {
                                loads.put(ids.get(i), JSON.readTree(values.get(i).getValue()));
                            } catch (JsonProcessingException e) {
                                log.debug("node {} reported an unreadable load", ids.get(i));
                            }
                        }
                    }
                    return loads;
                });
    }

    /** What to drop of a dead node, {@code after} it was found dead; {@code name} is the same on every node. */
    private record Purge(String name, Duration after, Function<String, CompletableFuture<?>> action) {
        boolean waits() {
            return !after.isZero();
        }
    }

    /** Runs for every dead node, once in the cluster, to drop what it held. */
    public void onNodeDead(Function<String, CompletableFuture<?>> purge) {
        purges.add(new Purge("", Duration.ZERO, purge));
    }

    /**
     * Runs for every dead node, once in the cluster, {@code after} it was found dead, on a node alive then. A node
     * that leaves the cluster runs it at once on leaving.
     *
     * @param name names the purge in Redis while it waits: the same on every node
     */
    public void onNodeDead(String name, Duration after, Function<String, CompletableFuture<?>> purge) {
        purges.add(new Purge(name, after, purge));
    }

    /** Announces this node and starts the heartbeat and the watch over the others. */
    public CompletableFuture<Void> start() {
        return announce().thenRun(() -> {
            log.info("node {} joined the cluster in {} (route {})", self.id(), redis.describe(), self.route());
            timer.scheduleWithFixedDelay(this::beat, HEARTBEAT_EVERY.toMillis(), HEARTBEAT_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
        });
    }

    private CompletableFuture<Void> announce() {
        String card;
        String reported;
        try {
            card = JSON.writeValueAsString(self);
            reported = JSON.writeValueAsString(load.get());
        } catch (JsonProcessingException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.allOf(
                redis.strings().hset(nodesKey(), self.id(), card).toCompletableFuture(),
                redis.strings().set(aliveKey(self.id()), reported,
                        SetArgs.Builder.px(HEARTBEAT_LIFETIME.toMillis())).toCompletableFuture());
    }

    private void beat() {
        if (closed) {
            return;
        }
        // The card is written again each time: a Redis that lost its data (restarted without persistence) learns
        // of this node again within a beat.
        if (!redis.isUp()) {
            keepQuiet();
        }
        announce().thenCompose(done -> liveNodes()).thenCompose(nodes -> runDuePurges())
                .whenComplete((done, error) -> {
                    if (error != null) {
                        keepQuiet();
                        log.debug("heartbeat of node {} failed: {}", self.id(), error.toString());
                    }
                });
    }

    /**
     * While Redis is away no node can beat, so every heartbeat key may have expired when it is back: the others
     * get two heartbeat lifetimes to beat again before any is taken for dead.
     */
    private void keepQuiet() {
        quietUntil = System.currentTimeMillis() + 2 * HEARTBEAT_LIFETIME.toMillis();
    }

    /**
     * The nodes alive now, in start order. Nodes whose heartbeat expired are left out, and purged on the way when
     * this node is the first to see them dead.
     */
    public CompletableFuture<List<ClusterNode>> liveNodes() {
        return redis.strings().hgetall(nodesKey()).toCompletableFuture().thenCompose(cards -> {
            List<String> ids = new ArrayList<>(cards.keySet());
            List<CompletableFuture<Long>> alive = ids.stream()
                    .map(id -> redis.strings().exists(aliveKey(id)).toCompletableFuture())
                    .toList();
            return CompletableFuture.allOf(alive.toArray(CompletableFuture[]::new)).thenApply(all -> {
                List<ClusterNode> live = new ArrayList<>();
                for (int i = 0; i < ids.size(); i++) {
                    String id = ids.get(i);
                    if (alive.get(i).join() > 0) {
                        live.add(parse(cards.get(id)));
                    } else if (!id.equals(self.id()) && System.currentTimeMillis() >= quietUntil) {
                        purge(id);
                    }
                }
                live.sort(Comparator.comparingLong(ClusterNode::startedAt).thenComparing(ClusterNode::id));
                noteMembership(live);
                return live;
            });
        });
    }

    private void noteMembership(List<ClusterNode> nodes) {
        Set<String> ids = new HashSet<>();
        Map<String, ClusterNode> byId = new HashMap<>();
        nodes.forEach(node -> {
            ids.add(node.id());
            byId.put(node.id(), node);
        });
        live = Map.copyOf(byId);
        for (String id : known) {
            if (!ids.contains(id)) {
                log.info("node {} is no longer in the cluster", id);
            }
        }
        Set<String> before = known;
        for (ClusterNode node : nodes) {
            if (!before.isEmpty() && !before.contains(node.id()) && !node.id().equals(self.id())) {
                log.info("node {} joined the cluster at {} (route {})", node.id(), node.address(), node.route());
            }
        }
        known = Set.copyOf(ids);
    }

    /**
     * A live node: as this node last saw the cluster (at most a heartbeat ago), or, for a node that joined since,
     * as Redis has it now.
     *
     * @return the node, or null when it is not alive
     */
    public CompletableFuture<ClusterNode> findLive(String id) {
        ClusterNode known = live.get(id);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return findLive(redis, prefix, id);
    }

    /**
     * A live node as Redis lists it, without a registry of one's own: what a node that has not announced itself yet
     * (it is still starting) asks, so that it can already forward a request to the session's node.
     */
    public static CompletableFuture<ClusterNode> findLive(RedisBackbone redis, String prefix, String id) {
        CompletableFuture<String> card = redis.strings().hget(nodesKey(prefix), id).toCompletableFuture();
        CompletableFuture<Long> alive = redis.strings().exists(aliveKey(prefix, id)).toCompletableFuture();
        return card.thenCombine(alive, (found, beating) -> found != null && beating > 0 ? parse(found) : null);
    }

    /**
     * Whether a node is still listed in the cluster: it is until it left, or was found dead and its purges ran.
     */
    public static CompletableFuture<Boolean> isListed(RedisBackbone redis, String prefix, String id) {
        return redis.strings().hexists(nodesKey(prefix), id).toCompletableFuture();
    }

    /** Claims a dead node's purge, so that one survivor runs it, then strikes the node from the cluster. */
    private void purge(String deadId) {
        redis.strings().set(purgeKey(deadId), self.id(), SetArgs.Builder.nx().px(PURGE_CLAIM.toMillis()))
                .toCompletableFuture()
                .thenCompose(claimed -> {
                    if (!"OK".equals(claimed)) {
                        return CompletableFuture.completedFuture(null);
                    }
                    log.warn("node {} left the cluster: no heartbeat for {} s; taking out what it held",
                            deadId, HEARTBEAT_LIFETIME.toSeconds());
                    return CompletableFuture.allOf(runPurges(deadId, false), scheduleWaitingPurges(deadId))
                            .thenCompose(done -> redis.strings().hdel(nodesKey(), deadId).toCompletableFuture());
                })
                .whenComplete((done, error) -> {
                    if (error != null) {
                        log.warn("purging dead node {} failed; another node will retry", deadId, error);
                        redis.strings().del(purgeKey(deadId));
                    }
                });
    }

    /** @param all the waiting purges too, at once */
    private CompletableFuture<Void> runPurges(String nodeId, boolean all) {
        return CompletableFuture.allOf(purges.stream().filter(purge -> all || !purge.waits())
                .map(purge -> purge.action().apply(nodeId)).toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> scheduleWaitingPurges(String deadId) {
        long now = System.currentTimeMillis();
        return CompletableFuture.allOf(purges.stream().filter(Purge::waits)
                .map(purge -> due(purge.name(), deadId, now + purge.after().toMillis()))
                .toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Long> due(String name, String deadId, long at) {
        return redis.strings().zadd(purgesDueKey(), (double) at, name + "\n" + deadId).toCompletableFuture();
    }

    /**
     * Runs the waiting purges that are due, each claimed by taking it out of the set first: one node runs it. One
     * that fails is put back, due again a heartbeat later.
     */
    private CompletableFuture<Void> runDuePurges() {
        if (purges.stream().noneMatch(Purge::waits)) {
            return CompletableFuture.completedFuture(null);
        }
        return redis.strings().zrangebyscore(purgesDueKey(), Range.create(0, System.currentTimeMillis()),
                Limit.create(0, 100)).toCompletableFuture().thenCompose(due -> CompletableFuture.allOf(due.stream()
                        .map(this::runDuePurge).toArray(CompletableFuture[]::new)));
    }

    private CompletableFuture<?> runDuePurge(String entry) {
        int cut = entry.indexOf('\n');
        String name = entry.substring(0, Math.max(cut, 0));
        String deadId = entry.substring(cut + 1);
        Purge purge = purges.stream().filter(known -> known.waits() && known.name().equals(name)).findFirst()
                .orElse(null);
        if (purge == null) {
            return CompletableFuture.completedFuture(null);
        }
        return redis.strings().zrem(purgesDueKey(), entry).toCompletableFuture().thenCompose(claimed -> claimed == 1
                ? purge.action().apply(deadId).handle((done, error) -> {
                    if (error != null) {
                        log.warn("the {} purge of dead node {} failed; due again in {} s", name, deadId,
                                HEARTBEAT_EVERY.toSeconds(), error);
                        due(name, deadId, System.currentTimeMillis() + HEARTBEAT_EVERY.toMillis());
                    }
                    return null;
                })
                : CompletableFuture.completedFuture(null));
    }

    private static ClusterNode parse(String card) {
        try {
            return JSON.readValue(card, ClusterNode.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable node card: " + card, e);
        }
    }

    private String nodesKey() {
        return nodesKey(prefix);
    }

    private static String nodesKey(String prefix) {
        return prefix + "nodes";
    }

    private String aliveKey(String id) {
        return aliveKey(prefix, id);
    }

    private static String aliveKey(String prefix, String id) {
        return prefix + "node-alive:" + id;
    }

    private String purgeKey(String id) {
        return prefix + "node-purge:" + id;
    }

    private String purgesDueKey() {
        return prefix + "node-purges-due";
    }

    /**
     * Leaves the cluster: drops what this node still holds (its sockets are gone by now) and its card, so that
     * the others need not wait for the heartbeat to expire.
     */
    public CompletableFuture<Void> leave() {
        closed = true;
        timer.shutdownNow();
        return runPurges(self.id(), true)
                .thenCompose(done -> redis.strings().hdel(nodesKey(), self.id()).toCompletableFuture())
                .thenCompose(done -> redis.strings().del(aliveKey(self.id())).toCompletableFuture())
                .thenRun(() -> log.info("node {} left the cluster", self.id()));
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
