package dev.chorus.chat.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoomNamesTest {
    @Test
    void aChatRoomIsTheSocketIoRoomOfItsName() {
        assertThat(RoomNames.check("lobby")).isEmpty();
        assertThat(RoomNames.isChatRoom("lobby", "sid1")).isTrue();
    }

    @Test
    void theChatsOwnRoomsCannotBeTakenByAChatRoom() {
        for (String own : new String[] {RoomNames.userChannel("Bob"), RoomNames.presenceChannel("lobby"),
                RoomNames.direct("bob", "alice")}) {
            assertThat(RoomNames.check(own)).as(own).isPresent();
            assertThat(RoomNames.isChatRoom(own, "sid1")).as(own).isFalse();
        }
        assertThat(RoomNames.isChatRoom("sid1", "sid1")).as("the socket's own room").isFalse();
    }

    @Test
    void aUsersRoomIsTheSameWhateverTheCase() {
        assertThat(RoomNames.userChannel("Bob")).isEqualTo(RoomNames.userChannel("bob"));
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
