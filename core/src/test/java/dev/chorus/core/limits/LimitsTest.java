package dev.chorus.core.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T08:00:00Z"));

    @Test
    void aBucketAllowsItsBurstThenItsRate() {
        RateLimiter limiter = new RateLimiter(2, 3, clock);

        assertThat(limiter.tryAcquire("u")).isTrue();
        assertThat(limiter.tryAcquire("u")).isTrue();
        assertThat(limiter.tryAcquire("u")).isTrue();
        assertThat(limiter.tryAcquire("u")).isFalse();
        assertThat(limiter.millisUntilNext("u")).isEqualTo(500);
        assertThat(limiter.tryAcquire("other")).as("buckets are per key").isTrue();

        clock.advance(Duration.ofMillis(500));
        assertThat(limiter.tryAcquire("u")).isTrue();
        assertThat(limiter.tryAcquire("u")).isFalse();

        clock.advance(Duration.ofSeconds(10));
        assertThat(limiter.millisUntilNext("u")).isZero();
        int taken = 0;
        while (limiter.tryAcquire("u")) {
            taken++;
        }
        assertThat(taken).as("no more than the burst saved up").isEqualTo(3);
    }

    @Test
    void failedLoginsThrottleTheAccountAndTheAddress() {
        LoginThrottle throttle = new LoginThrottle(3, 5, Duration.ofMinutes(15), clock);

        for (int i = 0; i < 3; i++) {
            assertThat(throttle.retryAfterMillis("Alice", "10.0.0.1")).isZero();
            throttle.failed("Alice", "10.0.0.1");
        }
        assertThat(throttle.retryAfterMillis("alice", "10.0.0.2")).as("per account, whatever the case")
                .isPositive();
        assertThat(throttle.retryAfterMillis("bob", "10.0.0.1")).as("the address still has room").isZero();

        throttle.failed("bob", "10.0.0.1");
        throttle.failed("carol", "10.0.0.1");
        assertThat(throttle.retryAfterMillis("dave", "10.0.0.1")).as("per address").isPositive();

        clock.advance(Duration.ofMinutes(15));
        assertThat(throttle.retryAfterMillis("alice", "10.0.0.1")).isZero();
    }

    @Test
    void userConnectionsAreCountedPerUserUpToTheMaximum() {
        EmbeddedUserConnections connections = new EmbeddedUserConnections(2);

        assertThat(connections.add("alice", "s1").join()).isTrue();
        assertThat(connections.hasRoom("alice").join()).isTrue();
        assertThat(connections.add("alice", "s2").join()).isTrue();
        assertThat(connections.hasRoom("alice").join()).isFalse();
        assertThat(connections.hasRoom("bob").join()).isTrue();
        assertThat(connections.add("alice", "s3").join()).as("one too many").isFalse();

        connections.remove("alice", "s3");
        connections.remove("alice", "s1");
        assertThat(connections.count("alice").join()).isEqualTo(1);
        assertThat(connections.hasRoom("alice").join()).isTrue();
        assertThat(connections.online().join()).isEqualTo(Map.of("alice", 1));
    }
}
