package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.presence.Presence;
import dev.chorus.core.presence.Presence.Entered;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RedisPresenceTest extends RedisStoreTest {
    @Test
    void aUserIsInARoomUntilTheirLastSocketLeaves() throws Exception {
        RedisPresence presence = new RedisPresence(backbone, "node-a", 10);

        assertThat(get(presence.enter("lobby", "alice", true)).how()).as("first socket").isEqualTo(Entered.FIRST);
        assertThat(get(presence.enter("lobby", "alice", true)).how()).as("second tab").isEqualTo(Entered.AGAIN);
        Presence.Entry bob = get(presence.enter("lobby", "bob", true));
        assertThat(bob.how()).isEqualTo(Entered.FIRST);
        assertThat(bob.members()).as("who is there, read in the same step, in name order")
                .containsExactly("alice", "bob");
        assertThat(get(presence.members("lobby"))).containsExactly("alice", "bob");
        assertThat(get(presence.rooms())).isEqualTo(Map.of("lobby", 2));
        Presence.Entry carol = get(presence.enter("lobby", "carol", false));
        assertThat(carol.how()).isEqualTo(Entered.FIRST);
        assertThat(carol.members()).as("not asked for").isEmpty();
        assertThat(get(presence.exit("lobby", "carol"))).isTrue();

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
        RedisPresence a = new RedisPresence(backbone, "node-a", 10);
        RedisPresence b = new RedisPresence(backbone, "node-b", 10);

        assertThat(get(a.enter("lobby", "alice", true)).how()).isEqualTo(Entered.FIRST);
        assertThat(get(b.enter("lobby", "alice", true)).how()).as("already there on node a").isEqualTo(Entered.AGAIN);
        assertThat(get(b.enter("dev", "bob", true)).how()).isEqualTo(Entered.FIRST);
        assertThat(get(a.rooms())).isEqualTo(Map.of("dev", 1, "lobby", 1));

        assertThat(get(a.exit("lobby", "alice"))).as("still there on node b").isFalse();
        assertThat(get(b.members("lobby"))).containsExactly("alice");
        assertThat(get(b.exit("lobby", "alice"))).isTrue();
        assertThat(get(a.rooms())).isEqualTo(Map.of("dev", 1));
    }

    @Test
    void purgingADeadNodeAnnouncesOnlyTheUsersNowGoneEverywhere() throws Exception {
        RedisPresence dead = new RedisPresence(backbone, "node-dead", 10);
        RedisPresence alive = new RedisPresence(backbone, "node-alive", 10);
        List<String> heard = new CopyOnWriteArrayList<>();
        alive.onVanished((room, user) -> heard.add(room + "/" + user));
        get(dead.enter("lobby", "alice", true));
        get(dead.enter("lobby", "alice", true));
        get(dead.enter("lobby", "bob", true));
        get(dead.enter("dev", "carol", true));
        get(alive.enter("lobby", "alice", true));

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
    void aUserGetsNoMoreRoomsThanTheCapOverEveryNode() throws Exception {
        RedisPresence a = new RedisPresence(backbone, "node-a", 2);
        RedisPresence b = new RedisPresence(backbone, "node-b", 2);

        assertThat(get(a.enter("one", "alice", true)).how()).isEqualTo(Entered.FIRST);
        assertThat(get(b.enter("two", "alice", true)).how()).isEqualTo(Entered.FIRST);
        assertThat(get(a.enter("three", "alice", true)).how()).as("a third room, on any node")
                .isEqualTo(Entered.TOO_MANY_ROOMS);
        assertThat(get(b.members("three"))).as("nothing counted").isEmpty();
        assertThat(get(a.enter("two", "alice", true)).how()).as("a room she is in already").isEqualTo(Entered.AGAIN);
        assertThat(get(b.returned("three", "alice"))).as("a recovered connection comes back regardless").isTrue();
        assertThat(get(a.rooms())).isEqualTo(Map.of("one", 1, "two", 1, "three", 1));

        get(b.exit("three", "alice"));
        get(b.exit("two", "alice"));
        assertThat(get(a.enter("two", "alice", true)).how()).as("still in it through node a").isEqualTo(Entered.AGAIN);
        get(a.exit("two", "alice"));
        assertThat(get(b.enter("four", "alice", true)).how()).as("two rooms still").isEqualTo(Entered.TOO_MANY_ROOMS);
        get(a.exit("two", "alice"));
        assertThat(get(b.enter("four", "alice", true)).how()).as("room again").isEqualTo(Entered.FIRST);
        get(a.exit("one", "alice"));
        get(b.exit("four", "alice"));
        assertThat(get(backbone.strings().dbsize().toCompletableFuture())).as("no empty key left").isZero();
    }

    @Test
    void aPurgeTakesTheDeadNodesRoomsOffItsUsersCounts() throws Exception {
        RedisPresence dead = new RedisPresence(backbone, "node-dead", 1);
        RedisPresence alive = new RedisPresence(backbone, "node-alive", 1);
        get(dead.enter("lobby", "alice", true));
        assertThat(get(alive.enter("dev", "alice", true)).how()).isEqualTo(Entered.TOO_MANY_ROOMS);

        get(alive.purgeNode("node-dead"));

        assertThat(get(alive.enter("dev", "alice", true)).how()).isEqualTo(Entered.FIRST);
    }

    @Test
    void worksOnWhenRedisHasForgottenItsScripts() throws Exception {
        RedisPresence presence = new RedisPresence(backbone, "node-a", 10);
        get(presence.enter("lobby", "alice", true));

        get(backbone.strings().scriptFlush().toCompletableFuture());

        assertThat(get(presence.enter("lobby", "bob", true)).how()).isEqualTo(Entered.FIRST);
        assertThat(get(presence.members("lobby"))).containsExactly("alice", "bob");
    }
}
