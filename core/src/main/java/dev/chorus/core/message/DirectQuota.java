package dev.chorus.core.message;

import dev.chorus.core.limits.Budget;
import dev.chorus.core.limits.Budgets;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * How much a user may store in direct conversations: {@code bytesPerDay} of message text a day, in {@link Budgets}
 * a cluster shares, on top of the message rate. Each conversation keeps only its latest messages, so what one user
 * can make the node keep stays bounded however many conversations they open.
 */
public final class DirectQuota {
    private final Budgets budgets;
    private final int bytesPerDay;

    public DirectQuota(Budgets budgets, int bytesPerDay) {
        this.budgets = budgets;
        this.bytesPerDay = bytesPerDay;
    }

    public int bytesPerDay() {
        return bytesPerDay;
    }

    /** @return whether the user may store this text now; if so, it is counted */
    CompletableFuture<Boolean> take(String user, String text) {
        int bytes = Math.max(1, text.getBytes(StandardCharsets.UTF_8).length);
        return budgets.take(List.of(Budget.of("direct-bytes:" + user.toLowerCase(Locale.ROOT), bytesPerDay,
                Duration.ofDays(1)).costing(bytes))).thenApply(wait -> wait == 0);
    }
}
