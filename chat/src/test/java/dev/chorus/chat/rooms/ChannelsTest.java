package dev.chorus.chat.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.room.RoomNames;
import org.junit.jupiter.api.Test;

class ChannelsTest {
    @Test
    void aChatRoomIsTheSocketIoRoomOfItsName() {
        assertThat(RoomNames.check("lobby")).isEmpty();
        assertThat(Channels.isChatRoom("lobby", "sid1")).isTrue();
    }

    @Test
    void theFacesOwnRoomsCannotBeTakenByAChatRoom() {
        for (String own : new String[] {Channels.user("Bob"), Channels.presence("lobby"),
                RoomNames.direct("bob", "alice")}) {
            assertThat(RoomNames.check(own)).as(own).isPresent();
            assertThat(Channels.isChatRoom(own, "sid1")).as(own).isFalse();
        }
        assertThat(Channels.isChatRoom("sid1", "sid1")).as("the socket's own room").isFalse();
    }

    @Test
    void aUsersRoomIsTheSameWhateverTheCase() {
        assertThat(Channels.user("Bob")).isEqualTo(Channels.user("bob"));
    }
}
