package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisUserConnectionsTest extends RedisStoreTest {
    @Test
    void theLimitIsClusterWide() throws Exception {
        RedisUserConnections a = new RedisUserConnections(backbone, "node-a", 5);
        RedisUserConnections b = new RedisUserConnections(backbone, "node-b", 5);

        for (int i = 0; i < 3; i++) {
            assertThat(get(a.add("alice", "a" + i))).isTrue();
        }
        assertThat(get(b.hasRoom("alice"))).isTrue();
        assertThat(get(b.add("alice", "b0"))).isTrue();
        assertThat(get(b.add("alice", "b1"))).isTrue();
        assertThat(get(a.hasRoom("alice"))).isFalse();
        assertThat(get(b.add("alice", "b2"))).as("the sixth").isFalse();
        assertThat(get(a.count("alice"))).as("counted until removed").isEqualTo(6);

        b.remove("alice", "b2");
        assertThat(get(a.count("alice"))).isEqualTo(5);
        assertThat(get(a.hasRoom("bob"))).isTrue();
        assertThat(get(a.count("bob"))).isZero();
    }

    @Test
    void purgingADeadNodeFreesItsSockets() throws Exception {
        RedisUserConnections dead = new RedisUserConnections(backbone, "node-dead", 5);
        RedisUserConnections alive = new RedisUserConnections(backbone, "node-alive", 5);
        for (int i = 0; i < 3; i++) {
            get(dead.add("alice", "d" + i));
        }
        get(dead.add("bob", "d3"));
        get(alive.add("alice", "a0"));

        get(alive.purgeNode("node-dead"));

        assertThat(get(alive.count("alice"))).isEqualTo(1);
        assertThat(get(alive.count("bob"))).isZero();
        assertThat(get(dead.online())).as("who is online, from any node").isEqualTo(Map.of("alice", 1));
        dead.remove("alice", "d0");
        assertThat(get(alive.count("alice"))).as("the purged node's late remove subtracts nothing").isEqualTo(1);

        alive.remove("alice", "a0");
        assertThat(get(backbone.strings().dbsize().toCompletableFuture())).as("no empty key left").isZero();
    }
}
