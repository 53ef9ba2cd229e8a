package dev.chorus.chat.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoomMembershipTest extends TwoUsersTest {
    @Test
    void aJoinWithPresenceGetsTheMembersAndTellsThoseWhoAskedForPresence() {
        JsonNode joined = alice.call("join", Map.of("room", "lobby", "presence", true));
        assertThat(joined.path("ok").asBoolean()).isTrue();
        assertThat(joined.path("members").toString()).isEqualTo("[\"alice\"]");

        assertThat(bob.call("join", Map.of("room", "lobby")).toString())
                .as("a joiner that does not watch the room's presence gets no member list").isEqualTo("{\"ok\":true}");
        assertThat(bob.call("join", Map.of("room", "lobby", "presence", true)).path("members").toString())
                .isEqualTo("[\"alice\",\"bob\"]");

        assertThat(alice.next("presence").toString()).contains("\"user\":\"bob\"", "\"status\":\"online\"",
                "\"room\":\"lobby\"");
    }

    @Test
    void aUserLeavingIsOfflineThereOnceTheirLastSocketLeft() {
        alice.call("join", Map.of("room", "lobby", "presence", true));
        ChatFace.Client bobsOtherTab = face.connect("bob");
        bob.call("join", Map.of("room", "lobby"));
        bobsOtherTab.call("join", Map.of("room", "lobby"));
        assertThat(alice.next("presence").path("status").asText()).isEqualTo("online");

        assertThat(bob.call("leave", Map.of("room", "lobby")).toString()).isEqualTo("{\"ok\":true}");
        alice.call("rooms", Map.of());
        assertThat(alice.got("presence")).as("bob is still there in another tab").isFalse();
        bobsOtherTab.close();

        assertThat(alice.next("presence").toString()).contains("\"user\":\"bob\"", "\"status\":\"offline\"");
    }

    @Test
    void typingReachesTheOthersInTheRoomOnly() {
        alice.call("join", Map.of("room", "lobby"));
        bob.call("join", Map.of("room", "lobby"));
        ChatFace.Client carol = face.connect("carol");
        carol.call("join", Map.of("room", "elsewhere"));

        bob.emit("typing", Map.of("room", "lobby"));
        carol.emit("typing", Map.of("room", "lobby"));

        assertThat(alice.next("typing").toString()).isIn("{\"room\":\"lobby\",\"user\":\"bob\"}",
                "{\"user\":\"bob\",\"room\":\"lobby\"}");
        alice.call("rooms", Map.of());
        assertThat(alice.got("typing")).as("carol is not in the room").isFalse();
    }

    @Test
    void aClosedRoomsMembersAreToldAndTakenOut() {
        alice.call("join", Map.of("room", "lobby"));

        face.chat().closeRoom("lobby");

        assertThat(alice.next("room-closed").toString()).isEqualTo("{\"room\":\"lobby\"}");
        assertThat(alice.call("message", Map.of("room", "lobby", "text", "hi")).path("error").asText())
                .isEqualTo("join the room first");
    }

    @Test
    void theChatsOwnRoomsCannotBeJoined() {
        assertThat(alice.call("join", Map.of("room", Channels.user("bob"))).path("error").asText())
                .isEqualTo("room names may not start with @");
        assertThat(alice.call("join", Map.of("room", "")).path("error").asText()).isEqualTo("room is required");
    }
}
