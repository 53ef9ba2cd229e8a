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
 * out}. Kept beside them as users come and go: the hash {@code <prefix>room-counts} of room to how many users are
 * there (the room list is one read, however many rooms), and per user the set {@code <prefix>user-rooms:<user>} of
 * the rooms they are in (the cap on rooms per user is one read). Room names hold no control characters, so the
 * newline cannot be part of one.
 */
public final class RedisPresence implements Presence {
    // ARGV[3]: the user's most rooms, or -1 for a connection coming back to a room it was in; ARGV[4]: '1' for the
    // room's members too. Returns {-1} (too many rooms), or {1 (first) or 0 (again)[, members]}.
    private static final String ENTER = """
            local max = tonumber(ARGV[3])
            if max >= 0 and redis.call('HEXISTS', KEYS[1], ARGV[2]) == 0
                and redis.call('SCARD', KEYS[4]) >= max then return {-1} end
            local entered = 0
            if redis.call('HINCRBY', KEYS[1], ARGV[2], 1) == 1 then
              redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
              redis.call('SADD', KEYS[4], ARGV[1])
              entered = 1
            end
            redis.call('HINCRBY', KEYS[2], ARGV[1] .. '\\n' .. ARGV[2], 1)
            if ARGV[4] == '1' then return {entered, redis.call('HKEYS', KEYS[1])} end
            return {entered}
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
            if redis.call('HINCRBY', KEYS[3], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[3], ARGV[1]) end
            redis.call('SREM', KEYS[4], ARGV[1])
            return 1
            """;
    // The room hashes and user sets are named from the node hash's fields, not declared as keys: fine on one Redis,
    // as here.
    private static final String PURGE = """
            local held = redis.call('HGETALL', KEYS[1])
            local vanished = {}
            for i = 1, #held, 2 do
              local room, user = string.match(held[i], '^(.*)\\n([^\\n]*)$')
              local key = ARGV[1] .. room
              if redis.call('HINCRBY', key, user, -tonumber(held[i + 1])) <= 0 then
                redis.call('HDEL', key, user)
                if redis.call('HINCRBY', KEYS[2], room, -1) <= 0 then redis.call('HDEL', KEYS[2], room) end
                redis.call('SREM', ARGV[2] .. user, room)
                table.insert(vanished, room)
                table.insert(vanished, user)
              end
            end
            redis.call('DEL', KEYS[1])
            return vanished
            """;

    private final RedisAsyncCommands<String, String> redis;
    private final String roomPrefix;
    private final String nodePrefix;
    private final String nodeKey;
    private final String countsKey;
    private final String userPrefix;
    private final int maxRoomsPerUser;
    private final LuaScript enter;
    private final LuaScript exit;
    private final LuaScript purge;
    private final List<BiConsumer<String, String>> vanishedListeners = new CopyOnWriteArrayList<>();

    /**
     * @param nodeId          this node's id, under which its share is kept
     * @param maxRoomsPerUser rooms one user may be in at once
     */
    public RedisPresence(RedisBackbone backbone, String nodeId, int maxRoomsPerUser) {
        this(backbone, nodeId, maxRoomsPerUser, RedisKeys.DEFAULT_PREFIX);
    }

    public RedisPresence(RedisBackbone backbone, String nodeId, int maxRoomsPerUser, String prefix) {
        this.redis = backbone.strings();
        this.roomPrefix = prefix + "presence:";
        this.nodePrefix = prefix + "node-presence:";
        this.nodeKey = nodePrefix + nodeId;
        this.countsKey = prefix + "room-counts";
        this.userPrefix = prefix + "user-rooms:";
        this.maxRoomsPerUser = maxRoomsPerUser;
        this.enter = new LuaScript(redis, ENTER);
        this.exit = new LuaScript(redis, EXIT);
        this.purge = new LuaScript(redis, PURGE);
    }

    @Override
    public CompletableFuture<Entry> enter(String room, String user, boolean withMembers) {
        return enter.<List<Object>>run(ScriptOutputType.MULTI, keys(room, user), room, user,
                Integer.toString(maxRoomsPerUser), withMembers ? "1" : "0").thenApply(result -> {
                    long entered = (Long) result.get(0);
                    if (entered < 0) {
                        return new Entry(Entered.TOO_MANY_ROOMS, List.of());
                    }
                    List<String> members = result.size() < 2 ? List.of()
                            : ((List<?>) result.get(1)).stream().map(String.class::cast).sorted().toList();
                    return new Entry(entered == 1 ? Entered.FIRST : Entered.AGAIN, members);
                });
    }

    @Override
    public CompletableFuture<Boolean> returned(String room, String user) {
        return enter.<List<Object>>run(ScriptOutputType.MULTI, keys(room, user), room, user, "-1", "0")
                .thenApply(result -> (Long) result.get(0) == 1);
    }

    @Override
    public CompletableFuture<Boolean> exit(String room, String user) {
        return exit.run(ScriptOutputType.BOOLEAN, keys(room, user), room, user);
    }

    private String[] keys(String room, String user) {
        return new String[] {roomPrefix + room, nodeKey, countsKey, userPrefix + user};
    }

    @Override
    public int maxRoomsPerUser() {
        return maxRoomsPerUser;
    }

    @Override
    public CompletableFuture<List<String>> members(String room) {
        return redis.hkeys(roomPrefix + room).toCompletableFuture()
                .thenApply(users -> users.stream().sorted().toList());
    }

    @Override
    public CompletableFuture<Map<String, Integer>> rooms() {
        return redis.hgetall(countsKey).toCompletableFuture().thenApply(read -> {
            Map<String, Integer> counts = new TreeMap<>();
            read.forEach((room, count) -> counts.put(room, Integer.parseInt(count)));
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
        return purge.<List<String>>run(ScriptOutputType.MULTI, new String[] {nodePrefix + deadNodeId, countsKey},
                roomPrefix, userPrefix).thenApply(flat -> {
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
