package dev.chorus.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class EmbeddedSentMessagesTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T08:00:00Z"));
    private final EmbeddedSentMessages sent = new EmbeddedSentMessages(Duration.ofMinutes(5), clock);

    @Test
    void aRetryGetsTheFirstSendsIdOnceItIsDone() {
        assertThat(sent.claim("alice", "k").join()).isEmpty();
        CompletableFuture<Optional<Long>> retry = sent.claim("alice", "k");
        assertThat(retry).isNotDone();
        sent.sent("alice", "k", 7);
        assertThat(retry.join()).contains(7L);
        assertThat(sent.claim("bob", "k").join()).as("per user").isEmpty();
    }

    @Test
    void keysAreForgottenAfterAWhileAndFreedWhenTheSendFails() {
        assertThat(sent.claim("alice", "k").join()).isEmpty();
        sent.sent("alice", "k", 7);
        clock.advance(Duration.ofMinutes(6));
        assertThat(sent.claim("alice", "k").join()).as("forgotten").isEmpty();
        sent.release("alice", "k");
        assertThat(sent.claim("alice", "k").join()).as("released").isEmpty();
    }
}
