package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.limits.UserConnections;
import java.util.ArrayList;
import java.util.List;
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

        assertThat(get(b.add("alice", "b1"))).as("a connection counted twice counts once").isTrue();
        b.remove("alice", "b2");
        assertThat(get(a.count("alice"))).isEqualTo(5);
        assertThat(get(a.hasRoom("bob"))).isTrue();
        assertThat(get(a.count("bob"))).isZero();
    }

    @Test
    void purgingADeadNodeFreesItsSocketsAndTellsWhoseTheyWere() throws Exception {
        RedisUserConnections dead = new RedisUserConnections(backbone, "node-dead", 5);
        RedisUserConnections alive = new RedisUserConnections(backbone, "node-alive", 5);
        List<UserConnections.Vanished> heard = new ArrayList<>();
        alive.onVanished(heard::add);
        for (int i = 0; i < 3; i++) {
            get(dead.add("alice", "d" + i));
        }
        get(dead.add("bob", "d3"));
        get(alive.add("alice", "a0"));

        get(alive.purgeNode("node-dead"));

        assertThat(heard).containsExactly(new UserConnections.Vanished("node-dead", Map.of("d0", "alice", "d1",
                "alice", "d2", "alice", "d3", "bob")));
        assertThat(get(alive.count("alice"))).isEqualTo(1);
        assertThat(get(alive.count("bob"))).isZero();
        assertThat(get(dead.online())).as("who is online, from any node").isEqualTo(Map.of("alice", 1));
        dead.remove("alice", "d0");
        assertThat(get(alive.count("alice"))).as("the purged node's late remove subtracts nothing").isEqualTo(1);

        alive.remove("alice", "a0");
        assertThat(get(backbone.strings().dbsize().toCompletableFuture())).as("no empty key left").isZero();
    }
}
