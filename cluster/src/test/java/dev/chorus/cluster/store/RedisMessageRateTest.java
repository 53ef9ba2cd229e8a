package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RedisMessageRateTest extends RedisStoreTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");

    @Test
    void allowsABurstThenTellsHowLongToWait() throws Exception {
        RedisMessageRate rate = rate(NOW);
        for (int i = 0; i < 3; i++) {
            assertThat(get(rate.acquire("alice"))).as("token %d of the burst", i).isZero();
        }

        assertThat(get(rate.acquire("alice"))).isEqualTo(1000);
        assertThat(get(rate.acquire("bob"))).as("buckets are apart").isZero();
        assertThat(get(rate(NOW.plusMillis(400)).acquire("alice"))).as("another node, 400 ms later").isEqualTo(600);
        assertThat(get(rate(NOW.plusMillis(1000)).acquire("alice"))).isZero();
        assertThat(get(rate(NOW.plusMillis(1000)).acquire("alice"))).isPositive();
        long pttl = get(backbone.strings().pttl("chorus:rate:alice").toCompletableFuture());
        assertThat(pttl).as("kept until full again").isBetween(1L, 3000L);
    }

    /** One token a second, three saved up, at a fixed time. */
    private static RedisMessageRate rate(Instant now) {
        return new RedisMessageRate(backbone, 1, 3, Clock.fixed(now, ZoneOffset.UTC));
    }
}
