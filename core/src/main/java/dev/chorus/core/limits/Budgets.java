package dev.chorus.core.limits;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Token buckets shared by everyone who asks: in this node ({@link EmbeddedBudgets}), or in Redis for the whole
 * cluster, where N nodes must not give N times the tokens.
 */
public interface Budgets {
    /**
     * Takes one token from every budget at once, or none at all when any of them is empty: a refused attempt costs
     * the others nothing.
     *
     * @return 0 when the tokens were taken, else the milliseconds until every budget has one again
     */
    CompletableFuture<Long> take(List<Budget> budgets);

    /** Puts one token back into every budget (never above its burst): an attempt that turned out not to count. */
    CompletableFuture<Void> giveBack(List<Budget> budgets);
}
