package dev.chorus.cluster.store;

import dev.chorus.cluster.redis.RedisBackbone;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.util.concurrent.CompletableFuture;

/** What the Redis stores name their keys with. */
public final class RedisKeys {
    /**
     * The chat's keys and channels (accounts, login sessions, history, presence, the registry) start with it, so that
     * Chorus can share a Redis with others. The cluster adapter's keys do not: they keep the names of Socket.IO's Redis
     * adapter ({@code socket.io}, {@code sio:session:}) so that Node.js peers and emitters share them.
     */
    public static final String DEFAULT_PREFIX = "chorus:";

    /** Keys a scan step reads and deletes at once. */
    private static final int SCAN_COUNT = 1000;

    private RedisKeys() {
    }

    /**
     * Deletes every key whose name starts with {@code namespace}, a scan step at a time (never {@code KEYS}, which
     * would stop a shared Redis while it looks).
     */
    public static CompletableFuture<Void> deleteAll(RedisBackbone redis, String namespace) {
        if (namespace.isEmpty() || namespace.contains("*") || namespace.contains("?") || namespace.contains("[")) {
            throw new IllegalArgumentException("not a namespace of its own: '" + namespace + "'");
        }
        return deleteFrom(redis, ScanCursor.INITIAL, ScanArgs.Builder.matches(namespace + "*").limit(SCAN_COUNT));
    }

    private static CompletableFuture<Void> deleteFrom(RedisBackbone redis, ScanCursor cursor, ScanArgs match) {
        return redis.strings().scan(cursor, match).toCompletableFuture().thenCompose(step -> {
            CompletableFuture<?> deleted = step.getKeys().isEmpty() ? CompletableFuture.completedFuture(null)
                    : redis.strings().unlink(step.getKeys().toArray(String[]::new)).toCompletableFuture();
            return deleted.thenCompose(done -> step.isFinished() ? CompletableFuture.<Void>completedFuture(null)
                    : deleteFrom(redis, step, match));
        });
    }
}
