package dev.chorus.cluster.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.redis.LuaScript;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.core.room.Occupant;
import dev.chorus.core.room.OccupantStore;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The rooms' nicknames in Redis: a hash per room, {@code <prefix>occupants:<room>}, nickname → {@code {"user":..,
 * "connections":[..]}}; and a set per node, {@code <prefix>occupants-node:<node>}, of what its connections hold
 * ({@code room \n nick \n connection}), which is how a survivor frees them when the node dies.
 */
public final class RedisOccupantStore implements OccupantStore {
    /** Returns 1 for a new occupant, 0 for one more connection of the holder, -1 when another user holds it. */
    private static final String CLAIM = """
            local stored = redis.call('HGET', KEYS[1], ARGV[1])
            local occupant
            if stored then
                occupant = cjson.decode(stored)
                if occupant.user ~= ARGV[2] then
                    return -1
                end
                for _, held in ipairs(occupant.connections) do
                    if held == ARGV[3] then
                        return 0
                    end
                end
            else
                occupant = {user = ARGV[2], connections = {}}
            end
            table.insert(occupant.connections, ARGV[3])
            redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(occupant))
            redis.call('SADD', KEYS[2], ARGV[4])
            return stored and 0 or 1
            """;
    /** Returns the occupant as it was when its last connection let go of the nickname; nothing otherwise. */
    private static final String RELEASE = """
            redis.call('SREM', KEYS[2], ARGV[3])
            local stored = redis.call('HGET', KEYS[1], ARGV[1])
            if not stored then
                return false
            end
            local occupant = cjson.decode(stored)
            local left = {}
            for _, held in ipairs(occupant.connections) do
                if held ~= ARGV[2] then
                    table.insert(left, held)
                end
            end
            if #left == #occupant.connections then
                return false
            end
            if #left == 0 then
                redis.call('HDEL', KEYS[1], ARGV[1])
                return stored
            end
            occupant.connections = left
            redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(occupant))
            return false
            """;
    /** Returns the occupant with the role ARGV[2], or nothing when no one holds the nickname. */
    private static final String ASSIGN = """
            local stored = redis.call('HGET', KEYS[1], ARGV[1])
            if not stored then
                return false
            end
            local occupant = cjson.decode(stored)
            occupant.role = ARGV[2]
            local assigned = cjson.encode(occupant)
            redis.call('HSET', KEYS[1], ARGV[1], assigned)
            return assigned
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisAsyncCommands<String, String> redis;
    private final String roomPrefix;
    private final String nodePrefix;
    private final LuaScript claim;
    private final LuaScript release;
    private final LuaScript assign;

    public RedisOccupantStore(RedisBackbone backbone, String prefix) {
        this.redis = backbone.strings();
        this.roomPrefix = prefix + "occupants:";
        this.nodePrefix = prefix + "occupants-node:";
        this.claim = new LuaScript(redis, CLAIM);
        this.release = new LuaScript(redis, RELEASE);
        this.assign = new LuaScript(redis, ASSIGN);
    }

    @Override
    public CompletableFuture<Claim> claim(String room, String nick, String user, String connection, String node) {
        return claim.<Long>run(ScriptOutputType.INTEGER, new String[] {roomPrefix + room, nodePrefix + node}, nick,
                user.toLowerCase(Locale.ROOT), connection, member(room, nick, connection)).thenApply(outcome ->
                        outcome == 1 ? Claim.NEW : outcome == 0 ? Claim.JOINED : Claim.TAKEN);
    }

    @Override
    public CompletableFuture<Boolean> release(String room, String nick, String connection, String node) {
        return releasing(room, nick, connection, node).thenApply(gone -> gone != null);
    }

    /** @return the occupant, when this was its last connection; null otherwise */
    private CompletableFuture<Occupant> releasing(String room, String nick, String connection, String node) {
        return release.<String>run(ScriptOutputType.VALUE, new String[] {roomPrefix + room, nodePrefix + node},
                nick, connection, member(room, nick, connection)).thenApply(stored -> stored == null ? null
                        : occupant(nick, stored));
    }

    @Override
    public CompletableFuture<Optional<Occupant>> assign(String room, String nick, String role) {
        return assign.<String>run(ScriptOutputType.VALUE, new String[] {roomPrefix + room}, nick, role)
                .thenApply(stored -> Optional.ofNullable(stored == null ? null : occupant(nick, stored)));
    }

    @Override
    public CompletableFuture<List<Occupant>> in(String room) {
        return redis.hgetall(roomPrefix + room).toCompletableFuture().thenApply(fields -> {
            Map<String, String> sorted = new TreeMap<>(fields);
            List<Occupant> occupants = new ArrayList<>(sorted.size());
            sorted.forEach((nick, stored) -> occupants.add(occupant(nick, stored)));
            return occupants;
        });
    }

    @Override
    public CompletableFuture<Void> clear(String room) {
        return redis.del(roomPrefix + room).toCompletableFuture().thenApply(count -> null);
    }

    @Override
    public CompletableFuture<List<Vacated>> purge(String node) {
        return redis.smembers(nodePrefix + node).toCompletableFuture().thenCompose(held -> {
            List<CompletableFuture<Vacated>> released = new ArrayList<>();
            for (String member : held) {
                String[] parts = member.split("\n", 3);
                if (parts.length == 3) {
                    released.add(releasing(parts[0], parts[1], parts[2], node)
                            .thenApply(gone -> gone == null ? null : new Vacated(parts[0], gone)));
                }
            }
            return CompletableFuture.allOf(released.toArray(CompletableFuture[]::new)).thenApply(done -> released
                    .stream().map(CompletableFuture::join).filter(vacated -> vacated != null).toList());
        });
    }

    private static String member(String room, String nick, String connection) {
        return room + "\n" + nick + "\n" + connection;
    }

    private static Occupant occupant(String nick, String stored) {
        try {
            JsonNode json = JSON.readTree(stored);
            List<String> connections = new ArrayList<>();
            json.path("connections").forEach(connection -> connections.add(connection.asText()));
            return new Occupant(nick, json.path("user").asText(), connections,
                    json.hasNonNull("role") ? json.get("role").asText() : null);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
