package dev.chorus.cluster.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.cluster.store.RedisKeys;
import dev.chorus.cluster.store.RedisStoreTest;
import dev.chorus.xmpp.stream.ResumptionRecord;
import dev.chorus.xmpp.stream.ResumptionRecord.Change;
import dev.chorus.xmpp.stream.ResumptionStore.Recorded;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XMPP sessions recorded in Redis by their node, and taken over by another. */
class RedisResumptionStoreTest extends RedisStoreTest {
    private static final Duration LIFETIME = Duration.ofMinutes(15);

    @Test
    void aLiveNodeAskedForASessionReleasesItAndTheOtherTakesItAsRecorded() throws Exception {
        RedisResumptionStore first = store("node-a");
        RedisResumptionStore second = store("node-b");
        listed("node-a");
        first.onHandOver(id -> first.release(id));
        ResumptionRecord record = first.open("s1", "Alice", "alice@chorus.test/phone");
        assertThat(get(record.write(new Change(List.of("<m>1</m>", "<m>2</m>", "<m>3</m>"), 0, 2, "in a room"))))
                .isTrue();
        assertThat(get(record.write(new Change(List.of(), 1, 3, null)))).isTrue();

        assertThat(get(second.claim("s1", "mallory"))).as("someone else's").isNull();
        Recorded taken = get(second.claim("s1", "alice"));

        assertThat(taken).isNotNull();
        assertThat(taken.username()).isEqualTo("Alice");
        assertThat(taken.jid()).isEqualTo("alice@chorus.test/phone");
        assertThat(taken.received()).isEqualTo(3);
        assertThat(taken.acknowledged()).isEqualTo(1);
        assertThat(taken.unacked()).containsExactly("<m>2</m>", "<m>3</m>");
        assertThat(taken.state()).isEqualTo("in a room");
        assertThat(get(record.write(new Change(List.of("<m>4</m>"), 0, 4, null)))).as("taken over").isFalse();
        assertThat(get(taken.record().write(new Change(List.of("<m>4</m>"), 2, 3, null)))).isTrue();
        record.delete();
        Recorded again = get(store("node-c").claim("s1", "alice"));
        assertThat(again.unacked()).as("node-b's writes, node-a's delete not: the record was not its own")
                .containsExactly("<m>4</m>");
        assertThat(again.acknowledged()).isEqualTo(3);
    }

    @Test
    void aDeadNodesSessionIsTakenWithoutAsking() throws Exception {
        RedisResumptionStore first = store("node-a");
        ResumptionRecord record = first.open("s2", "bob", "bob@chorus.test/desk");
        get(record.write(new Change(List.of("<m>x</m>"), 0, 0, null)));

        Recorded taken = get(store("node-b").claim("s2", "Bob"));

        assertThat(taken.unacked()).containsExactly("<m>x</m>");
        assertThat(taken.state()).isNull();
    }

    @Test
    void anEndedSessionIsNoOnesToTake() throws Exception {
        RedisResumptionStore first = store("node-a");
        ResumptionRecord record = first.open("s3", "carol", "carol@chorus.test/tab");
        get(record.write(new Change(List.of("<m>y</m>"), 0, 0, null)));
        record.delete();

        assertThat(get(store("node-b").claim("s3", "carol"))).isNull();
        assertThat(get(backbone.strings().keys("*xmpp-sm*").toCompletableFuture())).isEmpty();
    }

    private static RedisResumptionStore store(String node) {
        return new RedisResumptionStore(backbone, RedisKeys.DEFAULT_PREFIX, node, LIFETIME);
    }

    /** The node is in the cluster, as its registry lists it. */
    private static void listed(String node) throws Exception {
        get(backbone.strings().hset(RedisKeys.DEFAULT_PREFIX + "nodes", node, "{}").toCompletableFuture());
    }
}
