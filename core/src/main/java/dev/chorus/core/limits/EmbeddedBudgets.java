package dev.chorus.core.limits;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@link Budgets} of a single node, in memory. A bucket that has refilled holds nothing worth keeping: swept. */
public final class EmbeddedBudgets implements Budgets {
    private static final int SWEEP_EVERY = 10_000;
    /** The wait for a cost above a budget's burst, which never comes: longer than any limit's period. */
    private static final long NEVER = 86_400_000L;

    private final Clock clock;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private int sinceSweep;

    private static final class Bucket {
        double tokens;
        long updatedAt;
        final double perMilli;
        final int burst;

        Bucket(Budget budget, long now) {
            this.perMilli = budget.perSecond() / 1000;
            this.burst = budget.burst();
            this.tokens = burst;
            this.updatedAt = now;
        }

        double tokensAt(long now) {
            return Math.min(burst, tokens + Math.max(0, now - updatedAt) * perMilli);
        }
    }

    public EmbeddedBudgets(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized CompletableFuture<Long> take(List<Budget> budgets) {
        long now = clock.millis();
        sweep(now);
        long wait = 0;
        for (Budget budget : budgets) {
            Bucket bucket = buckets.get(budget.key());
            double tokens = bucket == null ? budget.burst() : bucket.tokensAt(now);
            if (tokens < budget.cost()) {
                wait = Math.max(wait, budget.cost() > budget.burst() ? NEVER
                        : (long) Math.ceil((budget.cost() - tokens) / (budget.perSecond() / 1000)));
            }
        }
        if (wait == 0) {
            budgets.forEach(budget -> change(budget, now, -budget.cost()));
        }
        return CompletableFuture.completedFuture(wait);
    }

    @Override
    public synchronized CompletableFuture<Void> giveBack(List<Budget> budgets) {
        long now = clock.millis();
        budgets.forEach(budget -> change(budget, now, budget.cost()));
        return CompletableFuture.completedFuture(null);
    }

    private void change(Budget budget, long now, int by) {
        Bucket bucket = buckets.computeIfAbsent(budget.key(), key -> new Bucket(budget, now));
        bucket.tokens = Math.min(bucket.burst, bucket.tokensAt(now) + by);
        bucket.updatedAt = now;
    }

    private void sweep(long now) {
        if (++sinceSweep < SWEEP_EVERY) {
            return;
        }
        sinceSweep = 0;
        buckets.values().removeIf(bucket -> bucket.tokensAt(now) >= bucket.burst);
    }
}
