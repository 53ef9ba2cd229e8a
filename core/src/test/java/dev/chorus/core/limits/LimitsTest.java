package dev.chorus.core.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    void budgetsAreTakenAllOrNone() {
        EmbeddedBudgets budgets = new EmbeddedBudgets(clock);
        Budget small = new Budget("small", 1, 1);
        Budget large = new Budget("large", 1, 5);

        assertThat(budgets.take(List.of(small, large)).join()).isZero();
        assertThat(budgets.take(List.of(small, large)).join()).as("small is empty for a second").isEqualTo(1000);
        assertThat(budgets.take(List.of(large)).join()).as("the refusal took nothing from large").isZero();
        budgets.take(List.of(large)).join();
        budgets.take(List.of(large)).join();
        budgets.take(List.of(large)).join();
        assertThat(budgets.take(List.of(large)).join()).isPositive();

        budgets.giveBack(List.of(large, small)).join();
        assertThat(budgets.take(List.of(large, small)).join()).as("given back").isZero();
        budgets.giveBack(List.of(small)).join();
        budgets.giveBack(List.of(small)).join();
        assertThat(budgets.take(List.of(small)).join()).isZero();
        assertThat(budgets.take(List.of(small)).join()).as("never above the burst").isPositive();
    }

    @Test
    void loginAttemptsCountBeforeTheCheckAndRightOnesAreGivenBack() {
        LoginThrottle throttle = new LoginThrottle(new EmbeddedBudgets(clock), new LoginThrottle.Limits(3, 5, 8, 2));

        for (int i = 0; i < 3; i++) {
            assertThat(throttle.beginLogin("Alice", "10.0.0.1").join()).as("attempt %d, none answered yet", i)
                    .isZero();
        }
        assertThat(throttle.beginLogin("alice", "10.0.0.1").join()).as("per account and address, any case")
                .isPositive();
        assertThat(throttle.beginLogin("alice", "10.0.0.2").join()).as("another address may try").isZero();

        throttle.beginLogin("bob", "10.0.0.1").join();
        throttle.beginLogin("carol", "10.0.0.1").join();
        assertThat(throttle.beginLogin("erin", "10.0.0.1").join()).as("per address over all accounts")
                .isPositive();

        for (int i = 3; i < 8; i++) {
            throttle.beginLogin("alice", "10.0.1." + i).join();
        }
        assertThat(throttle.beginLogin("alice", "10.0.2.1").join()).as("the account's ceiling").isPositive();

        clock.advance(Duration.ofMinutes(15));
        throttle.beginLogin("dave", "10.0.3.1").join();
        throttle.giveBack("dave", "10.0.3.1").join();
        throttle.beginLogin("dave", "10.0.3.1").join();
        throttle.giveBack("dave", "10.0.3.1").join();
        throttle.beginLogin("dave", "10.0.3.1").join();
        throttle.giveBack("dave", "10.0.3.1").join();
        assertThat(throttle.beginLogin("dave", "10.0.3.1").join()).as("right logins do not count").isZero();

        assertThat(throttle.beginRegistration("10.0.4.1").join()).isZero();
        assertThat(throttle.beginRegistration("10.0.4.1").join()).isZero();
        assertThat(throttle.beginRegistration("10.0.4.1").join()).as("registrations per address").isPositive();
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
