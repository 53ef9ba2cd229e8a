package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.room.Affiliation;
import dev.chorus.core.room.Occupant;
import dev.chorus.core.room.OccupantStore.Claim;
import dev.chorus.core.room.OccupantStore.Vacated;
import dev.chorus.core.room.RoomSettings;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A room's settings and nicknames in Redis, as every node sees them. */
class RedisRoomStoresTest extends RedisStoreTest {
    @Test
    void theFirstToCreateARoomOwnsItAndItsSettingsReadBackWhole() throws Exception {
        RedisRoomSettingsStore store = new RedisRoomSettingsStore(backbone, RedisKeys.DEFAULT_PREFIX);
        RoomSettings created = RoomSettings.createdBy("Alice", Instant.now());

        assertThat(get(store.create("den", created))).isTrue();
        assertThat(get(store.create("den", RoomSettings.createdBy("bob", Instant.now())))).isFalse();
        assertThat(get(store.find("den"))).contains(created);
        assertThat(created.affiliation("ALICE")).isEqualTo(Affiliation.OWNER);

        RoomSettings named = new RoomSettings("Den", "where we meet", "hello", "Al", "secret", true, true, true,
                false, 5, true, 0, created.affiliations()).withAffiliation("bob", Affiliation.ADMIN);
        get(store.save("den", named));
        assertThat(get(store.find("den"))).contains(named);

        get(store.remove("den"));
        assertThat(get(store.find("den"))).isEqualTo(Optional.empty());
    }

    @Test
    void aNicknameIsOneUsersAcrossNodesAndADeadNodesAreFreedBySurvivors() throws Exception {
        RedisOccupantStore store = new RedisOccupantStore(backbone, RedisKeys.DEFAULT_PREFIX);

        assertThat(get(store.claim("den", "Al", "Alice", "a1", "n1"))).isEqualTo(Claim.NEW);
        assertThat(get(store.claim("den", "Al", "bob", "b1", "n2"))).isEqualTo(Claim.TAKEN);
        assertThat(get(store.claim("den", "Al", "alice", "a2", "n2"))).isEqualTo(Claim.JOINED);
        assertThat(get(store.claim("den", "Bo", "bob", "b1", "n2"))).isEqualTo(Claim.NEW);
        assertThat(get(store.claim("hall", "Al", "alice", "a1", "n1"))).isEqualTo(Claim.NEW);
        assertThat(get(store.in("den"))).containsExactly(new Occupant("Al", "alice", List.of("a1", "a2")),
                new Occupant("Bo", "bob", List.of("b1")));

        assertThat(get(store.assign("den", "Bo", "visitor")))
                .contains(new Occupant("Bo", "bob", List.of("b1"), "visitor"));
        assertThat(get(store.assign("den", "Zed", "visitor"))).isEmpty();
        assertThat(get(store.release("den", "Al", "a2", "n2"))).isFalse();
        assertThat(get(store.purge("n1"))).containsExactlyInAnyOrder(
                new Vacated("den", new Occupant("Al", "alice", List.of("a1"))),
                new Vacated("hall", new Occupant("Al", "alice", List.of("a1"))));
        assertThat(get(store.in("den"))).containsExactly(new Occupant("Bo", "bob", List.of("b1"), "visitor"));
        assertThat(get(store.purge("n1"))).as("nothing is freed twice").isEmpty();

        assertThat(get(store.release("den", "Bo", "b1", "n2"))).isTrue();
        get(store.claim("den", "Cy", "carol", "c1", "n2"));
        get(store.clear("den"));
        assertThat(get(store.in("den"))).isEmpty();
    }
}
