package dev.chorus.chat.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HistoryQueriesTest extends FaceTest {
    private ChatFace.Client alice;

    @BeforeEach
    void connect() {
        alice = face.connect("alice");
    }

    @Test
    void historyPagesBackFromTheNewestAndCatchesUpAfterAnId() {
        alice.call("join", Map.of("room", "lobby"));
        List<Long> ids = new ArrayList<>();
        for (String text : List.of("one", "two", "three")) {
            ids.add(alice.call("message", Map.of("room", "lobby", "text", text)).path("id").asLong());
        }

        JsonNode newest = alice.call("history", Map.of("room", "lobby", "limit", 2));
        assertThat(newest.path("room").asText()).isEqualTo("lobby");
        assertThat(texts(newest)).containsExactly("two", "three");
        assertThat(texts(alice.call("history", Map.of("room", "lobby", "before", ids.get(1)))))
                .containsExactly("one");
        assertThat(texts(alice.call("history", Map.of("room", "lobby", "after", ids.get(0)))))
                .containsExactly("two", "three");
    }

    @Test
    void aDirectConversationReadsTheSameFromBothSides() {
        ChatFace.Client bob = face.connect("bob");
        alice.call("dm", Map.of("to", "bob", "text", "hi bob"));
        bob.call("dm", Map.of("to", "alice", "text", "hi alice"));

        JsonNode mine = alice.call("dm-history", Map.of("with", "bob"));

        assertThat(mine.path("with").asText()).isEqualTo("bob");
        assertThat(mine.path("messages").get(0).path("from").asText()).isEqualTo("alice");
        assertThat(mine.path("messages").get(0).path("to").asText()).isEqualTo("bob");
        assertThat(mine.path("messages").get(1).path("from").asText()).isEqualTo("bob");
        assertThat(mine.path("messages").get(1).path("to").asText()).isEqualTo("alice");
        assertThat(bob.call("dm-history", Map.of("with", "alice")).path("messages")).isEqualTo(mine.path("messages"));
    }

    @Test
    void theRoomListHasTheRoomsWithSomeoneInThem() {
        ChatFace.Client bob = face.connect("bob");
        alice.call("join", Map.of("room", "lobby"));
        bob.call("join", Map.of("room", "lobby"));
        bob.call("join", Map.of("room", "annex"));

        JsonNode rooms = alice.call("rooms", Map.of()).path("rooms");

        assertThat(rooms.get(0).path("name").asText()).isEqualTo("annex");
        assertThat(rooms.get(0).path("members").asInt()).isEqualTo(1);
        assertThat(rooms.get(1).path("name").asText()).isEqualTo("lobby");
        assertThat(rooms.get(1).path("members").asInt()).isEqualTo(2);
    }

    private static List<String> texts(JsonNode page) {
        List<String> texts = new ArrayList<>();
        page.path("messages").forEach(message -> texts.add(message.path("text").asText()));
        return texts;
    }
}
