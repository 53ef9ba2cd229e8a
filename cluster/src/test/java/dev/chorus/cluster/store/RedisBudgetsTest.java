package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.limits.Budget;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisBudgetsTest extends RedisStoreTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-05T08:00:00Z"), ZoneOffset.UTC);

    @Test
    void twoNodesShareTheTokensAndTakeAllOrNone() throws Exception {
        RedisBudgets a = new RedisBudgets(backbone, NOW);
        RedisBudgets b = new RedisBudgets(backbone, NOW);
        Budget small = new Budget("small", 1, 2);
        Budget large = new Budget("large", 1, 5);

        assertThat(get(a.take(List.of(small, large)))).isZero();
        assertThat(get(b.take(List.of(small, large)))).isZero();
        assertThat(get(a.take(List.of(small, large)))).as("small is empty, on either node").isEqualTo(1000);
        assertThat(get(b.take(List.of(large)))).as("the refusal took nothing").isZero();
        assertThat(get(b.take(List.of(large)))).isZero();
        assertThat(get(b.take(List.of(large)))).isZero();
        assertThat(get(a.take(List.of(large)))).isPositive();

        get(a.giveBack(List.of(small)));
        assertThat(get(b.take(List.of(small)))).as("given back").isZero();
        assertThat(get(backbone.strings().pttl("chorus:budget:small").toCompletableFuture()))
                .as("a key lasts only until its bucket would be full").isBetween(1L, 2000L);

        get(a.giveBack(List.of(large, large)));
        get(a.giveBack(List.of(large)));
        get(a.giveBack(List.of(large)));
        get(a.giveBack(List.of(large)));
        get(a.giveBack(List.of(large)));
        assertThat(get(backbone.strings().exists("chorus:budget:large").toCompletableFuture()))
                .as("a full bucket keeps no key").isZero();
    }
}
