package dev.chorus.core.limits;

import java.time.Duration;

/**
 * One token bucket of {@link Budgets}: {@code key}'s tokens refill at {@code perSecond}, at most {@code burst} of
 * them saved up; a bucket never seen is full. A call takes (or gives back) {@code cost} tokens: one per request, or
 * as many as the bytes stored.
 */
public record Budget(String key, double perSecond, int burst, int cost) {
    public Budget {
        if (perSecond <= 0 || burst < 1 || cost < 1) {
            throw new IllegalArgumentException("a budget's rate, burst and cost must be positive");
        }
    }

    /** A token a call. */
    public Budget(String key, double perSecond, int burst) {
        this(key, perSecond, burst, 1);
    }

    /** {@code tokens} that refill, all of them, over {@code period}. */
    public static Budget of(String key, int tokens, Duration period) {
        return new Budget(key, tokens / (period.toMillis() / 1000.0), tokens);
    }

    /** The same bucket, taken from {@code tokens} at a time. */
    public Budget costing(int tokens) {
        return new Budget(key, perSecond, burst, tokens);
    }
}
