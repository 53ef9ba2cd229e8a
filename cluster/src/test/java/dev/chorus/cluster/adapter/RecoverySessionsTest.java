package dev.chorus.cluster.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.engine.sio.PersistedSession;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A recovery session belongs to the socket that recovered it last: the socket its client left behind on another node
 * can neither overwrite nor delete it, whatever it does before it closes.
 */
class RecoverySessionsTest {
    private static final Duration LIFETIME = Duration.ofMinutes(1);
    private static final String STREAM = "test:stream";

    private static RedisServer redis;
    private static RedisBackbone backbone;
    private static RecoverySessions nodeA;
    private static RecoverySessions nodeB;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        backbone = RedisBackbone.connect(redis.url());
        nodeA = new RecoverySessions(backbone.strings(), "test:session:", STREAM, "node-a");
        nodeB = new RecoverySessions(backbone.strings(), "test:session:", STREAM, "node-b");
    }

    @AfterAll
    static void stop() {
        backbone.close();
        redis.close();
    }

    @Test
    void theLastClaimOwnsTheSessionAndTheSocketLeftBehindCannotTouchIt() throws Exception {
        String offset = backbone.strings().xadd(STREAM, Map.of("type", "3")).get(5, TimeUnit.SECONDS);
        assertThat(await(nodeA.save(session("lobby"), LIFETIME))).as("a new socket's session").isTrue();

        RecoverySessions.Claimed claimed = await(nodeB.claim("pid-1", offset, LIFETIME));
        assertThat(claimed.session().rooms()).containsExactlyInAnyOrder("sid-1", "lobby");
        assertThat(claimed.previousOwner()).as("to be told").isEqualTo("node-a");

        assertThat(await(nodeA.save(session("stale"), LIFETIME))).as("left behind: a join").isFalse();
        assertThat(await(nodeA.drop("pid-1"))).as("left behind: a close").isFalse();
        assertThat(await(nodeB.save(session("lobby", "music"), LIFETIME))).as("the live socket").isTrue();

        RecoverySessions.Claimed again = await(nodeA.claim("pid-1", offset, LIFETIME));
        assertThat(again.session().rooms()).as("what the live socket wrote")
                .containsExactlyInAnyOrder("sid-1", "lobby", "music");
        assertThat(again.previousOwner()).isEqualTo("node-b");
        assertThat(await(nodeA.claim("pid-1", offset, LIFETIME)).previousOwner()).as("its own claim again").isNull();

        assertThat(await(nodeB.drop("pid-1"))).isFalse();
        assertThat(await(nodeA.drop("pid-1"))).isTrue();
        assertThat(await(nodeB.claim("pid-1", offset, LIFETIME))).as("deleted").isNull();
        assertThat(backbone.strings().exists("test:session:pid-1", "test:session:pid-1:owner")
                .get(5, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aClaimNeedsTheClientsOffsetInTheStream() throws Exception {
        backbone.strings().xadd(STREAM, Map.of("type", "3")).get(5, TimeUnit.SECONDS);
        PersistedSession session = new PersistedSession("sid-2", "pid-2", Set.of("sid-2"),
                JsonNodeFactory.instance.objectNode());
        assertThat(await(nodeA.save(session, LIFETIME))).isTrue();

        assertThat(await(nodeB.claim("pid-2", "1-0", LIFETIME))).isNull();
        assertThat(await(nodeB.claim("no-such-pid", "1-0", LIFETIME))).isNull();
        assertThat(await(nodeA.save(session, LIFETIME))).as("still node A's").isTrue();
    }

    @Test
    void aClaimGivesTheSessionAndItsOwnerALiveSocketsLifetime() throws Exception {
        String offset = backbone.strings().xadd(STREAM, Map.of("type", "3")).get(5, TimeUnit.SECONDS);
        PersistedSession session = new PersistedSession("sid-3", "pid-3", Set.of("sid-3"),
                JsonNodeFactory.instance.objectNode());
        assertThat(await(nodeA.save(session, Duration.ofSeconds(30)))).isTrue();
        await(nodeB.claim("pid-3", offset, LIFETIME));

        long sessionTtl = backbone.strings().pttl("test:session:pid-3").get(5, TimeUnit.SECONDS);
        long ownerTtl = backbone.strings().pttl("test:session:pid-3:owner").get(5, TimeUnit.SECONDS);
        assertThat(sessionTtl).as("the claimant's lifetime, not what was left of the disconnected one's")
                .isGreaterThan(Duration.ofSeconds(30).toMillis());
        // Redis keeps expiries in milliseconds and reads its clock once per script: a millisecond either way.
        assertThat(ownerTtl).isPositive().isLessThanOrEqualTo(sessionTtl + 1);

        nodeB.refresh(Set.of("pid-3"), Duration.ofMinutes(5));
        assertThat(backbone.strings().pttl("test:session:pid-3:owner").get(5, TimeUnit.SECONDS))
                .isGreaterThan(Duration.ofSeconds(30).toMillis());
    }

    private static PersistedSession session(String... rooms) {
        Set<String> all = new HashSet<>(Set.of(rooms));
        all.add("sid-1");
        return new PersistedSession("sid-1", "pid-1", all, JsonNodeFactory.instance.objectNode().put("user", "alice"));
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }
}
