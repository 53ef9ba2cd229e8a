package dev.chorus.core.room;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoomNamesTest {
    @Test
    void aPlainNameIsARoom() {
        assertThat(RoomNames.check("lobby")).isEmpty();
    }

    @Test
    void theChatsOwnNamesCannotBeTakenByAChatRoom() {
        assertThat(RoomNames.check(RoomNames.direct("bob", "alice"))).isPresent();
        assertThat(RoomNames.check(RoomNames.OWN + "anything")).isPresent();
    }

    @Test
    void aDirectConversationIsTheSameWhateverTheCaseAndOrder() {
        assertThat(RoomNames.direct("Bob", "alice")).isEqualTo(RoomNames.direct("alice", "bob"));
    }

    @Test
    void namesThatAreNotRoomsAreRefused() {
        assertThat(RoomNames.check(null)).isPresent();
        assertThat(RoomNames.check(" ")).isPresent();
        assertThat(RoomNames.check("a".repeat(RoomNames.MAX_LENGTH + 1))).isPresent();
        assertThat(RoomNames.check("a\nb")).isPresent();
    }
}
