package dev.chorus.core.limits;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Token buckets by key (a user, an address): {@code ratePerSecond} tokens a second, at most {@code burst} saved
 * up. Buckets that have refilled completely hold no information and are dropped when the map is swept.
 */
public final class RateLimiter {
    private static final int SWEEP_EVERY = 10_000;

    private final double ratePerMilli;
    private final double burst;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();

    private static final class Bucket {
        double tokens;
        long updatedAt;

        Bucket(double tokens, long updatedAt) {
            this.tokens = tokens;
            this.updatedAt = updatedAt;
        }
    }

    public RateLimiter(double ratePerSecond, int burst, Clock clock) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.ratePerMilli = ratePerSecond / 1000.0;
        this.burst = burst;
        this.clock = clock;
    }

    /** Takes a token for {@code key}. @return false when the key has none left */
    public boolean tryAcquire(String key) {
        long now = clock.millis();
        sweepNow(now);
        boolean[] taken = new boolean[1];
        buckets.compute(key, (k, bucket) -> {
            Bucket b = bucket != null ? bucket : new Bucket(burst, now);
            b.tokens = Math.min(burst, b.tokens + (now - b.updatedAt) * ratePerMilli);
            b.updatedAt = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                taken[0] = true;
            }
            return b;
        });
        return taken[0];
    }

    /** Milliseconds until {@code key} has a token again; 0 when it has one now. */
    public long millisUntilNext(String key) {
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            return 0;
        }
        double tokens = Math.min(burst, bucket.tokens + (clock.millis() - bucket.updatedAt) * ratePerMilli);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / ratePerMilli);
    }

    private void sweepNow(long now) {
        if (sinceSweep.incrementAndGet() % SWEEP_EVERY != 0) {
            return;
        }
        buckets.values().removeIf(b -> b.tokens + (now - b.updatedAt) * ratePerMilli >= burst);
    }
}
