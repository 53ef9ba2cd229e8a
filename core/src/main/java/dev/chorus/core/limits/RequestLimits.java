package dev.chorus.core.limits;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * How often a user may make each kind of request besides sending (which the message rate guards), in
 * {@link Budgets} a cluster shares: each kind in a bucket of its own, so that one kind asked for in a loop (history,
 * say) is refused at its budget while the user's other requests go on.
 */
public final class RequestLimits {
    /** What a request past its budget is told. */
    public static final String REFUSED = "rate limited";

    /** The kinds of requests, each with its own budget. */
    public enum Kind {
        JOIN, LEAVE, TYPING, HISTORY, DIRECT_HISTORY, ROOMS;

        private final String key = name().toLowerCase(Locale.ROOT).replace('_', '-');

        /** As the requests are named on the wire: {@code join}, {@code direct-history}, … */
        public String key() {
            return key;
        }
    }

    /** {@code perSecond} requests a second on average, {@code burst} at once. */
    public record Rate(double perSecond, int burst) {
    }

    private final Budgets budgets;
    private final Map<Kind, Rate> rates;
    private final BiConsumer<String, Kind> refused;

    /**
     * @param rates   a rate for every kind
     * @param refused told of each request refused, and whose (to count and log it)
     */
    public RequestLimits(Budgets budgets, Map<Kind, Rate> rates, BiConsumer<String, Kind> refused) {
        this.budgets = budgets;
        this.refused = refused;
        this.rates = new EnumMap<>(rates);
        for (Kind kind : Kind.values()) {
            if (!this.rates.containsKey(kind)) {
                throw new IllegalArgumentException("no rate for " + kind.key);
            }
        }
    }

    /** The same rate for every kind. */
    public static RequestLimits of(Budgets budgets, Rate rate, BiConsumer<String, Kind> refused) {
        Map<Kind, Rate> rates = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            rates.put(kind, rate);
        }
        return new RequestLimits(budgets, rates, refused);
    }

    /** The same rate for every kind, refusals untold. */
    public static RequestLimits of(Budgets budgets, Rate rate) {
        return of(budgets, rate, (user, kind) -> { });
    }

    /** @return whether the user may make this request now; if so, it is counted */
    public CompletableFuture<Boolean> allow(String user, Kind kind) {
        Rate rate = rates.get(kind);
        return budgets.take(List.of(new Budget(kind.key + ":" + user.toLowerCase(Locale.ROOT), rate.perSecond(),
                rate.burst()))).thenApply(wait -> {
                    if (wait > 0) {
                        refused.accept(user, kind);
                    }
                    return wait == 0;
                });
    }
}
