package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RedisPresenceTest extends RedisStoreTest {
    @Test
    void aUserIsInARoomUntilTheirLastSocketLeaves() throws Exception {
        RedisPresence presence = new RedisPresence(backbone, "node-a");

        assertThat(get(presence.enter("lobby", "alice"))).as("first socket").isTrue();
        assertThat(get(presence.enter("lobby", "alice"))).as("second tab").isFalse();
        assertThat(get(presence.enter("lobby", "bob"))).isTrue();
        assertThat(get(presence.members("lobby"))).containsExactly("alice", "bob");
        assertThat(get(presence.rooms())).isEqualTo(Map.of("lobby", 2));

        assertThat(get(presence.exit("lobby", "alice"))).isFalse();
        assertThat(get(presence.members("lobby"))).containsExactly("alice", "bob");
        assertThat(get(presence.exit("lobby", "alice"))).isTrue();
        assertThat(get(presence.exit("lobby", "bob"))).isTrue();
        assertThat(get(presence.exit("lobby", "bob"))).as("an exit too many changes nothing").isFalse();

        assertThat(get(presence.members("lobby"))).isEmpty();
        assertThat(get(presence.rooms())).isEmpty();
        assertThat(get(backbone.strings().dbsize().toCompletableFuture())).as("no empty key left").isZero();
    }

    @Test
    void countsEveryNodesSockets() throws Exception {
        RedisPresence a = new RedisPresence(backbone, "node-a");
        RedisPresence b = new RedisPresence(backbone, "node-b");

        assertThat(get(a.enter("lobby", "alice"))).isTrue();
        assertThat(get(b.enter("lobby", "alice"))).as("already there on node a").isFalse();
        assertThat(get(b.enter("dev", "bob"))).isTrue();
        assertThat(get(a.rooms())).isEqualTo(Map.of("dev", 1, "lobby", 1));

        assertThat(get(a.exit("lobby", "alice"))).as("still there on node b").isFalse();
        assertThat(get(b.members("lobby"))).containsExactly("alice");
        assertThat(get(b.exit("lobby", "alice"))).isTrue();
        assertThat(get(a.rooms())).isEqualTo(Map.of("dev", 1));
    }

    @Test
    void purgingADeadNodeAnnouncesOnlyTheUsersNowGoneEverywhere() throws Exception {
        RedisPresence dead = new RedisPresence(backbone, "node-dead");
        RedisPresence alive = new RedisPresence(backbone, "node-alive");
        List<String> heard = new CopyOnWriteArrayList<>();
        alive.onVanished((room, user) -> heard.add(room + "/" + user));
        get(dead.enter("lobby", "alice"));
        get(dead.enter("lobby", "alice"));
        get(dead.enter("lobby", "bob"));
        get(dead.enter("dev", "carol"));
        get(alive.enter("lobby", "alice"));

        List<Map.Entry<String, String>> vanished = get(alive.purgeNode("node-dead"));

        assertThat(vanished).containsExactlyInAnyOrder(Map.entry("lobby", "bob"), Map.entry("dev", "carol"));
        assertThat(heard).containsExactlyInAnyOrder("lobby/bob", "dev/carol");
        assertThat(get(alive.members("lobby"))).containsExactly("alice");
        assertThat(get(alive.rooms())).isEqualTo(Map.of("lobby", 1));
        assertThat(get(backbone.strings().exists("chorus:node-presence:node-dead").toCompletableFuture())).isZero();

        assertThat(get(dead.exit("lobby", "alice"))).as("the purged node's late exit subtracts nothing").isFalse();
        assertThat(get(alive.members("lobby"))).containsExactly("alice");
        assertThat(get(alive.purgeNode("node-dead"))).as("twice is harmless").isEmpty();
    }

    @Test
    void worksOnWhenRedisHasForgottenItsScripts() throws Exception {
        RedisPresence presence = new RedisPresence(backbone, "node-a");
        get(presence.enter("lobby", "alice"));

        get(backbone.strings().scriptFlush().toCompletableFuture());

        assertThat(get(presence.enter("lobby", "bob"))).isTrue();
        assertThat(get(presence.members("lobby"))).containsExactly("alice", "bob");
    }
}
