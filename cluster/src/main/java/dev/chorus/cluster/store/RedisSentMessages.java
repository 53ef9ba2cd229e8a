package dev.chorus.cluster.store;

import dev.chorus.chat.history.SentMessages;
import dev.chorus.cluster.redis.RedisBackbone;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Sent-message keys shared by the cluster: {@code chorus:sent:<user>:<key>} holds "pending" while the first try
 * is being worked on, then the message id, for {@code remember}. A retry on another node finds it there.
 */
public final class RedisSentMessages implements SentMessages {
    private static final String PENDING = "pending";
    private static final Duration WAIT_STEP = Duration.ofMillis(50);
    /** A first try still pending after this is taken for lost: the retry is told to try again later. */
    private static final int MAX_WAIT_STEPS = 100;

    private final RedisBackbone redis;
    private final Duration remember;
    private final String prefix;
    private final Executor later = CompletableFuture.delayedExecutor(WAIT_STEP.toMillis(), TimeUnit.MILLISECONDS);

    public RedisSentMessages(RedisBackbone redis, Duration remember) {
        this(redis, remember, RedisKeys.DEFAULT_PREFIX);
    }

    public RedisSentMessages(RedisBackbone redis, Duration remember, String prefix) {
        this.redis = redis;
        this.remember = remember;
        this.prefix = prefix;
    }

    @Override
    public CompletableFuture<Optional<Long>> claim(String user, String key) {
        String redisKey = key(user, key);
        return redis.strings().set(redisKey, PENDING, SetArgs.Builder.nx().px(remember.toMillis()))
                .toCompletableFuture()
                .thenCompose(claimed -> "OK".equals(claimed)
                        ? CompletableFuture.completedFuture(Optional.<Long>empty())
                        : earlier(user, key, redisKey, 0));
    }

    private CompletableFuture<Optional<Long>> earlier(String user, String key, String redisKey, int waited) {
        return redis.strings().get(redisKey).toCompletableFuture().thenCompose(value -> {
            if (value == null) {
                // Released (or forgotten) meanwhile: this try is the first now.
                return claim(user, key);
            }
            if (!PENDING.equals(value)) {
                return CompletableFuture.completedFuture(Optional.of(Long.parseLong(value)));
            }
            if (waited >= MAX_WAIT_STEPS) {
                return CompletableFuture.failedFuture(new IllegalStateException("the first try is still pending"));
            }
            return CompletableFuture.supplyAsync(() -> null, later)
                    .thenCompose(ignored -> earlier(user, key, redisKey, waited + 1));
        });
    }

    @Override
    public void sent(String user, String key, long id) {
        redis.strings().set(key(user, key), Long.toString(id), SetArgs.Builder.px(remember.toMillis()));
    }

    @Override
    public void release(String user, String key) {
        redis.strings().del(key(user, key));
    }

    private String key(String user, String key) {
        return prefix + "sent:" + user + ":" + key;
    }
}
