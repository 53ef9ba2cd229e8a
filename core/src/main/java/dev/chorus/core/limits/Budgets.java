package dev.chorus.core.limits;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Token buckets shared by everyone who asks: in this node ({@link EmbeddedBudgets}), or in Redis for the whole
 * cluster, where N nodes must not give N times the tokens.
 */
public interface Budgets {
    /**
     * Takes each budget's cost from it, all at once, or nothing at all when any of them has too little: a refused
     * attempt costs the others nothing. A cost above a budget's burst is never taken.
     *
     * @return 0 when the tokens were taken, else the milliseconds until every budget has its cost again
     */
    CompletableFuture<Long> take(List<Budget> budgets);

    /** Puts each budget's cost back (never above its burst): an attempt that turned out not to count. */
    CompletableFuture<Void> giveBack(List<Budget> budgets);
}
