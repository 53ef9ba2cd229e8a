package dev.chorus.cluster.store;

import dev.chorus.chat.limits.MessageRate;
import dev.chorus.cluster.redis.RedisBackbone;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Token buckets shared by the cluster, one hash {@code <prefix>rate:<key>} of tokens and the time they were
 * counted at, with the semantics of the chat's {@link dev.chorus.chat.limits.RateLimiter}: {@code ratePerSecond}
 * tokens a second, at most {@code burst} saved up. A bucket expires once it would be full again, when it holds no
 * information any more.
 */
public final class RedisMessageRate implements MessageRate {
    // The time comes from the caller's clock, as for the local limiter; a clock behind the bucket's refills nothing.
    private static final String ACQUIRE = """
            local now = tonumber(ARGV[1])
            local rate = tonumber(ARGV[2])
            local burst = tonumber(ARGV[3])
            local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = tonumber(bucket[1]) or burst
            local counted = tonumber(bucket[2]) or now
            tokens = math.min(burst, tokens + math.max(0, now - counted) * rate)
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
            else
              wait = math.max(1, math.ceil((1 - tokens) / rate))
            end
            redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((burst - tokens) / rate)))
            return wait
            """;

    private final String ratePerMilli;
    private final String burst;
    private final Clock clock;
    private final String keyPrefix;
    private final LuaScript acquire;

    public RedisMessageRate(RedisBackbone backbone, double ratePerSecond, int burst, Clock clock) {
        this(backbone, ratePerSecond, burst, clock, RedisKeys.DEFAULT_PREFIX);
    }

    public RedisMessageRate(RedisBackbone backbone, double ratePerSecond, int burst, Clock clock, String prefix) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.ratePerMilli = Double.toString(ratePerSecond / 1000.0);
        this.burst = Integer.toString(burst);
        this.clock = clock;
        this.keyPrefix = prefix + "rate:";
        this.acquire = new LuaScript(backbone.strings(), ACQUIRE);
    }

    @Override
    public CompletableFuture<Long> acquire(String key) {
        return acquire.run(ScriptOutputType.INTEGER, new String[] {keyPrefix + key}, Long.toString(clock.millis()),
                ratePerMilli, burst);
    }
}
