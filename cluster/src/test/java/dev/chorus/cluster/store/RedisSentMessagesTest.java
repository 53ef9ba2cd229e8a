package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RedisSentMessagesTest extends RedisStoreTest {
    @Test
    void aRetryOnAnotherNodeGetsTheFirstSendsIdOnceItIsDone() throws Exception {
        RedisSentMessages nodeA = new RedisSentMessages(backbone, Duration.ofMinutes(5));
        RedisSentMessages nodeB = new RedisSentMessages(backbone, Duration.ofMinutes(5));

        assertThat(get(nodeA.claim("alice", "k1"))).as("the first try sends").isEmpty();
        CompletableFuture<Optional<Long>> retry = nodeB.claim("alice", "k1");
        Thread.sleep(200);
        assertThat(retry).as("waits while the first try is pending").isNotDone();
        nodeA.sent("alice", "k1", 42);
        assertThat(get(retry)).contains(42L);

        assertThat(get(nodeB.claim("bob", "k1"))).as("keys are per user").isEmpty();
    }

    @Test
    void aFailedFirstTryLeavesTheKeyFreeForTheRetry() throws Exception {
        RedisSentMessages sent = new RedisSentMessages(backbone, Duration.ofMinutes(5));
        assertThat(get(sent.claim("alice", "k2"))).isEmpty();
        sent.release("alice", "k2");
        assertThat(get(sent.claim("alice", "k2"))).isEmpty();
    }
}
