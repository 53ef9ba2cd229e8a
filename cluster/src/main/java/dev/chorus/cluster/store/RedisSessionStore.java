package dev.chorus.cluster.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.redis.LuaScript;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.core.session.LoginSession;
import dev.chorus.core.session.SessionStore;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Login sessions in Redis, one JSON string per session under {@code <prefix>session:<id>}, which Redis drops by
 * itself once the absolute session lifetime has passed, and each user's session ids in a set under
 * {@code <prefix>user-sessions:<lower-cased username>}, so that all of them can be ended at once. A delete is announced on {@code <prefix>session-ended} with
 * the session id, so that every node can end what runs on that session.
 */
public final class RedisSessionStore implements SessionStore {
    private static final Logger log = LoggerFactory.getLogger(RedisSessionStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** More deletes than this awaiting their own announcement means some were lost (pub/sub was down): sweep. */
    private static final int SWEEP_ABOVE = 1_000;
    private static final long LOST_AFTER_NANOS = Duration.ofMinutes(1).toNanos();
    /** The session, and its id in its user's set (for {@link #deleteAllOf}), which lives as long as the newest. */
    private static final String SAVE = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[3])
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            """;
    private static final String DELETE = """
            local session = redis.call('GET', KEYS[1])
            if session then
                redis.call('SREM', ARGV[3] .. string.lower(cjson.decode(session).username), ARGV[2])
            end
            redis.call('DEL', KEYS[1])
            redis.call('PUBLISH', ARGV[1], ARGV[2])
            """;
    private static final String DELETE_ALL = """
            local ended = {}
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
                if redis.call('DEL', ARGV[1] .. id) == 1 then
                    redis.call('PUBLISH', ARGV[2], id)
                    table.insert(ended, id)
                end
            end
            redis.call('DEL', KEYS[1])
            return ended
            """;

    private final RedisAsyncCommands<String, String> redis;
    private final long ttlMillis;
    private final String keyPrefix;
    private final String endedChannel;
    private final String userPrefix;
    private final LuaScript save;
    private final LuaScript delete;
    private final LuaScript deleteAll;
    private final List<Consumer<String>> endedListeners = new CopyOnWriteArrayList<>();
    /** Sessions deleted here whose announcement has not come back yet, with when: that echo is no news. */
    private final Map<String, Long> endedHere = new ConcurrentHashMap<>();

    /** @param ttl how long a session may live at most: Redis forgets it then */
    public RedisSessionStore(RedisBackbone backbone, Duration ttl) {
        this(backbone, ttl, RedisKeys.DEFAULT_PREFIX);
    }

    public RedisSessionStore(RedisBackbone backbone, Duration ttl, String prefix) {
        this.redis = backbone.strings();
        this.ttlMillis = ttl.toMillis();
        this.keyPrefix = prefix + "session:";
        this.endedChannel = prefix + "session-ended";
        this.userPrefix = prefix + "user-sessions:";
        this.save = new LuaScript(redis, SAVE);
        this.delete = new LuaScript(redis, DELETE);
        this.deleteAll = new LuaScript(redis, DELETE_ALL);
        backbone.pubSub().addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                if (channel.equals(endedChannel)) {
                    ended(new String(message, StandardCharsets.UTF_8));
                }
            }
        });
        // Lettuce subscribes again by itself after a reconnection.
        backbone.pubSub().async().subscribe(endedChannel).exceptionally(error -> {
            log.warn("could not subscribe to {}: logouts on other nodes will not end sockets here", endedChannel,
                    error);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> save(LoginSession session) {
        return save.run(ScriptOutputType.STATUS, new String[] {keyPrefix + session.id(), userKey(session.username())},
                json(session), Long.toString(ttlMillis), session.id()).thenApply(ok -> null);
    }

    @Override
    public CompletableFuture<Boolean> update(LoginSession session) {
        // XX: a touch racing with a logout does not bring the session back. KEEPTTL: a touch does not extend the
        // absolute lifetime.
        return redis.set(keyPrefix + session.id(), json(session), SetArgs.Builder.xx().keepttl())
                .toCompletableFuture().thenApply("OK"::equals);
    }

    @Override
    public CompletableFuture<Optional<LoginSession>> find(String id) {
        return redis.get(keyPrefix + id).toCompletableFuture()
                .thenApply(text -> Optional.ofNullable(text).map(found -> parse(id, found)));
    }

    @Override
    public CompletableFuture<Void> delete(String id) {
        sweepLostEchoes();
        endedHere.put(id, System.nanoTime());
        return delete.<Long>run(ScriptOutputType.INTEGER, new String[] {keyPrefix + id}, endedChannel, id, userPrefix)
                .whenComplete((done, error) -> {
                    if (error != null) {
                        endedHere.remove(id);
                    }
                })
                .thenApply(done -> null);
    }

    @Override
    public CompletableFuture<List<String>> deleteAllOf(String username) {
        return deleteAll.<List<String>>run(ScriptOutputType.MULTI, new String[] {userKey(username)}, keyPrefix,
                endedChannel);
    }

    private String userKey(String username) {
        return userPrefix + username.toLowerCase(Locale.ROOT);
    }

    @Override
    public void onEnded(Consumer<String> listener) {
        endedListeners.add(listener);
    }

    private void ended(String id) {
        if (endedHere.remove(id) == null) {
            endedListeners.forEach(listener -> listener.accept(id));
        }
    }

    private void sweepLostEchoes() {
        if (endedHere.size() > SWEEP_ABOVE) {
            long now = System.nanoTime();
            endedHere.values().removeIf(at -> now - at > LOST_AFTER_NANOS);
        }
    }

    private static String json(LoginSession session) {
        return JSON.createObjectNode()
                .put("username", session.username())
                .put("createdAt", session.createdAt().toEpochMilli())
                .put("lastSeenAt", session.lastSeenAt().toEpochMilli())
                .toString();
    }

    private static LoginSession parse(String id, String text) {
        try {
            JsonNode json = JSON.readTree(text);
            return new LoginSession(id, json.get("username").asText(),
                    Instant.ofEpochMilli(json.get("createdAt").asLong()),
                    Instant.ofEpochMilli(json.get("lastSeenAt").asLong()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a session in Redis is not JSON", e);
        }
    }
}
