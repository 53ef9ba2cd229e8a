package dev.chorus.core.limits;

import java.time.Duration;

/**
 * One token bucket of {@link Budgets}: {@code key}'s tokens refill at {@code perSecond}, at most {@code burst} of
 * them saved up; a bucket never seen is full.
 */
public record Budget(String key, double perSecond, int burst) {
    public Budget {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("a budget's rate and burst must be positive");
        }
    }

    /** {@code tokens} that refill, all of them, over {@code period}. */
    public static Budget of(String key, int tokens, Duration period) {
        return new Budget(key, tokens / (period.toMillis() / 1000.0), tokens);
    }
}
