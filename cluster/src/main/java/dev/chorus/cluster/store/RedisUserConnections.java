package dev.chorus.cluster.store;

import dev.chorus.cluster.redis.LuaScript;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.core.limits.UserConnections;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets each user has open across the cluster, counted in the hash {@code <prefix>connections} of user to
 * count, and listed per node in {@code <prefix>node-connections:<node>} (connection id to user), so that when a
 * node dies another can {@link #purgeNode take its connections out} and tell whose they were.
 */
public final class RedisUserConnections implements UserConnections {
    private static final Logger log = LoggerFactory.getLogger(RedisUserConnections.class);
    // Counted even when over the limit, as on one node: the caller disconnects that socket and removes it.
    private static final String ADD = """
            if redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[1]) == 0 then return 1 end
            local total = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            if total <= tonumber(ARGV[3]) then return 1 end
            return 0
            """;
    // A connection the node no longer lists (it was purged while cut off) subtracts nothing: the purge already did.
    private static final String REMOVE = """
            if redis.call('HDEL', KEYS[2], ARGV[2]) == 0 then return end
            if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
            """;
    private static final String PURGE = """
            local held = redis.call('HGETALL', KEYS[2])
            for i = 1, #held, 2 do
              if redis.call('HINCRBY', KEYS[1], held[i + 1], -1) <= 0 then
                redis.call('HDEL', KEYS[1], held[i + 1])
              end
            end
            redis.call('DEL', KEYS[2])
            return held
            """;

    private final RedisAsyncCommands<String, String> redis;
    private final int maxPerUser;
    private final String totalKey;
    private final String nodePrefix;
    private final String nodeKey;
    private final LuaScript add;
    private final LuaScript remove;
    private final LuaScript purge;
    private final List<Consumer<Vanished>> vanishedListeners = new CopyOnWriteArrayList<>();

    /** @param nodeId this node's id, under which its sockets are counted */
    public RedisUserConnections(RedisBackbone backbone, String nodeId, int maxPerUser) {
        this(backbone, nodeId, maxPerUser, RedisKeys.DEFAULT_PREFIX);
    }

    public RedisUserConnections(RedisBackbone backbone, String nodeId, int maxPerUser, String prefix) {
        this.redis = backbone.strings();
        this.maxPerUser = maxPerUser;
        this.totalKey = prefix + "connections";
        this.nodePrefix = prefix + "node-connections:";
        this.nodeKey = nodePrefix + nodeId;
        this.add = new LuaScript(redis, ADD);
        this.remove = new LuaScript(redis, REMOVE);
        this.purge = new LuaScript(redis, PURGE);
    }

    @Override
    public int maxPerUser() {
        return maxPerUser;
    }

    @Override
    public CompletableFuture<Boolean> hasRoom(String user) {
        return count(user).thenApply(count -> count < maxPerUser);
    }

    @Override
    public CompletableFuture<Boolean> add(String user, String socketId) {
        return add.run(ScriptOutputType.BOOLEAN, new String[] {totalKey, nodeKey}, user, socketId,
                Integer.toString(maxPerUser));
    }

    @Override
    public void remove(String user, String socketId) {
        remove.run(ScriptOutputType.INTEGER, new String[] {totalKey, nodeKey}, user, socketId).exceptionally(error -> {
            // The count stays one too high until this node's share is purged; nothing to retry in order here.
            log.warn("socket {} of {} could not be uncounted", socketId, user, error);
            return null;
        });
    }

    @Override
    public CompletableFuture<Integer> count(String user) {
        return redis.hget(totalKey, user).toCompletableFuture()
                .thenApply(count -> count == null ? 0 : Integer.parseInt(count));
    }

    @Override
    public CompletableFuture<Map<String, Integer>> online() {
        return redis.hgetall(totalKey).toCompletableFuture().thenApply(counts -> {
            Map<String, Integer> online = new HashMap<>();
            counts.forEach((user, count) -> online.put(user, Integer.parseInt(count)));
            return online;
        });
    }

    @Override
    public void onVanished(Consumer<Vanished> listener) {
        vanishedListeners.add(listener);
    }

    /** Takes out every connection a dead node held, in one step, and tells whose they were. */
    public CompletableFuture<Void> purgeNode(String deadNodeId) {
        return purge.<List<Object>>run(ScriptOutputType.MULTI, new String[] {totalKey, nodePrefix + deadNodeId})
                .thenAccept(held -> {
                    Map<String, String> users = new HashMap<>();
                    for (int i = 0; i + 1 < held.size(); i += 2) {
                        users.put((String) held.get(i), (String) held.get(i + 1));
                    }
                    if (!users.isEmpty()) {
                        Vanished vanished = new Vanished(deadNodeId, users);
                        vanishedListeners.forEach(listener -> listener.accept(vanished));
                    }
                });
    }
}
