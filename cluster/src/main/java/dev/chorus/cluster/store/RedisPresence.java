package dev.chorus.cluster.store;

import dev.chorus.cluster.redis.LuaScript;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.core.presence.Presence;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Presence across the cluster. Each room has a hash {@code <prefix>presence:<room>} of user to the number of that
 * user's sockets in the room on all nodes; each node a hash {@code <prefix>node-presence:<node>} of
 * {@code <room>\n<user>} to its own share, so that when a node dies another can {@link #purgeNode take its share
 * out}; the set {@code <prefix>rooms} names the rooms with anyone in them. Room names hold no control characters,
 * so the newline cannot be part of one.
 */
public final class RedisPresence implements Presence {
    private static final String ENTER = """
            local total = redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
            redis.call('HINCRBY', KEYS[2], ARGV[1] .. '\\n' .. ARGV[2], 1)
            redis.call('SADD', KEYS[3], ARGV[1])
            if total == 1 then return 1 end
            return 0
            """;
    // A node that has no share there (it was purged while cut off) subtracts nothing: its users were already
    // announced gone by the node that purged it.
    private static final String EXIT = """
            local field = ARGV[1] .. '\\n' .. ARGV[2]
            local here = tonumber(redis.call('HGET', KEYS[2], field) or '0')
            if here <= 0 then return 0 end
            if here == 1 then redis.call('HDEL', KEYS[2], field) else redis.call('HINCRBY', KEYS[2], field, -1) end
            if redis.call('HINCRBY', KEYS[1], ARGV[2], -1) > 0 then return 0 end
            redis.call('HDEL', KEYS[1], ARGV[2])
            if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[1]) end
            return 1
            """;
    // The room hashes are named from the node hash's fields, not declared as keys: fine on one Redis, as here.
    private static final String PURGE = """
            local held = redis.call('HGETALL', KEYS[1])
            local vanished = {}
            for i = 1, #held, 2 do
              local room, user = string.match(held[i], '^(.*)\\n([^\\n]*)$')
              local key = ARGV[1] .. room
              if redis.call('HINCRBY', key, user, -tonumber(held[i + 1])) <= 0 then
                redis.call('HDEL', key, user)
                if redis.call('EXISTS', key) == 0 then redis.call('SREM', KEYS[2], room) end
                table.insert(vanished, room)
                table.insert(vanished, user)
              end
            end
            redis.call('DEL', KEYS[1])
            return vanished
            """;
    private static final String ROOMS = """
            local rooms = redis.call('SMEMBERS', KEYS[1])
            local counts = {}
            for _, room in ipairs(rooms) do
              table.insert(counts, room)
              table.insert(counts, redis.call('HLEN', ARGV[1] .. room))
            end
            return counts
            """;

    private final RedisAsyncCommands<String, String> redis;
    private final String roomPrefix;
    private final String nodePrefix;
    private final String nodeKey;
    private final String roomsKey;
    private final LuaScript enter;
    private final LuaScript exit;
    private final LuaScript purge;
    private final LuaScript rooms;
    private final List<BiConsumer<String, String>> vanishedListeners = new CopyOnWriteArrayList<>();

    /** @param nodeId this node's id, under which its share is kept */
    public RedisPresence(RedisBackbone backbone, String nodeId) {
        this(backbone, nodeId, RedisKeys.DEFAULT_PREFIX);
    }

    public RedisPresence(RedisBackbone backbone, String nodeId, String prefix) {
        this.redis = backbone.strings();
        this.roomPrefix = prefix + "presence:";
        this.nodePrefix = prefix + "node-presence:";
        this.nodeKey = nodePrefix + nodeId;
        this.roomsKey = prefix + "rooms";
        this.enter = new LuaScript(redis, ENTER);
        this.exit = new LuaScript(redis, EXIT);
        this.purge = new LuaScript(redis, PURGE);
        this.rooms = new LuaScript(redis, ROOMS);
    }

    @Override
    public CompletableFuture<Boolean> enter(String room, String user) {
        return enter.run(ScriptOutputType.BOOLEAN, new String[] {roomPrefix + room, nodeKey, roomsKey}, room, user);
    }

    @Override
    public CompletableFuture<Boolean> exit(String room, String user) {
        return exit.run(ScriptOutputType.BOOLEAN, new String[] {roomPrefix + room, nodeKey, roomsKey}, room, user);
    }

    @Override
    public CompletableFuture<List<String>> members(String room) {
        return redis.hkeys(roomPrefix + room).toCompletableFuture()
                .thenApply(users -> users.stream().sorted().toList());
    }

    @Override
    public CompletableFuture<Map<String, Integer>> rooms() {
        return rooms.<List<Object>>run(ScriptOutputType.MULTI, new String[] {roomsKey}, roomPrefix).thenApply(flat -> {
            Map<String, Integer> counts = new TreeMap<>();
            for (int i = 0; i < flat.size(); i += 2) {
                counts.put((String) flat.get(i), ((Long) flat.get(i + 1)).intValue());
            }
            return counts;
        });
    }

    @Override
    public void onVanished(BiConsumer<String, String> roomAndUser) {
        vanishedListeners.add(roomAndUser);
    }

    /**
     * Takes out everything a dead node held, in one step, and tells the {@link #onVanished} listeners here of every
     * user who is now in a room nowhere: the node that purges speaks for the dead one.
     *
     * @return those (room, user) pairs
     */
    public CompletableFuture<List<Map.Entry<String, String>>> purgeNode(String deadNodeId) {
        return purge.<List<String>>run(ScriptOutputType.MULTI, new String[] {nodePrefix + deadNodeId, roomsKey},
                roomPrefix).thenApply(flat -> {
                    List<Map.Entry<String, String>> vanished = new ArrayList<>(flat.size() / 2);
                    for (int i = 0; i < flat.size(); i += 2) {
                        vanished.add(Map.entry(flat.get(i), flat.get(i + 1)));
                    }
                    vanished.forEach(gone -> vanishedListeners.forEach(
                            listener -> listener.accept(gone.getKey(), gone.getValue())));
                    return vanished;
                });
    }
}
