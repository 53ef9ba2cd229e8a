package dev.chorus.core.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.room.OccupantStore.Claim;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nicknames in one node's rooms: one user's while any of their connections holds it. */
class EmbeddedOccupantStoreTest {
    private final EmbeddedOccupantStore store = new EmbeddedOccupantStore();

    @Test
    void aNicknameIsOneUsersUntilTheirLastConnectionLetsGo() {
        assertThat(store.claim("den", "Al", "Alice", "a1", "n").join()).isEqualTo(Claim.NEW);
        assertThat(store.claim("den", "Al", "bob", "b1", "n").join()).isEqualTo(Claim.TAKEN);
        assertThat(store.claim("den", "Al", "alice", "a2", "n").join()).isEqualTo(Claim.JOINED);
        assertThat(store.in("den").join()).containsExactly(new Occupant("Al", "alice", List.of("a1", "a2")));

        assertThat(store.assign("den", "Al", "moderator").join())
                .contains(new Occupant("Al", "alice", List.of("a1", "a2"), "moderator"));
        assertThat(store.assign("den", "Zed", "moderator").join()).isEmpty();

        assertThat(store.release("den", "Al", "a1", "n").join()).isFalse();
        assertThat(store.in("den").join()).as("the role stays while the occupant does")
                .containsExactly(new Occupant("Al", "alice", List.of("a2"), "moderator"));
        assertThat(store.release("den", "Al", "b1", "n").join()).as("not held by that connection").isFalse();
        assertThat(store.release("den", "Al", "a2", "n").join()).isTrue();
        assertThat(store.in("den").join()).isEmpty();
        assertThat(store.claim("den", "Al", "bob", "b1", "n").join()).isEqualTo(Claim.NEW);

        store.clear("den").join();
        assertThat(store.in("den").join()).isEmpty();
    }
}
