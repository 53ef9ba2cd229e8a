package dev.chorus.chat.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagingTest extends TwoUsersTest {
    @Test
    void aMessageGoesOnlyToARoomTheSocketIsIn() {
        assertThat(alice.call("message", Map.of("room", "lobby", "text", "hi")).path("error").asText())
                .isEqualTo("join the room first");
        assertThat(refused("room", "not-in-room")).isEqualTo(1);
        assertThat(posted("room")).isZero();
    }

    @Test
    void aMessageIsAcknowledgedWithItsIdAndReachesTheRoom() {
        alice.call("join", Map.of("room", "lobby"));
        bob.call("join", Map.of("room", "lobby"));

        long id = alice.call("message", Map.of("room", "lobby", "text", "hello")).path("id").asLong();

        JsonNode received = bob.next("message");
        assertThat(received.path("id").asLong()).isEqualTo(id).isPositive();
        assertThat(received.path("room").asText()).isEqualTo("lobby");
        assertThat(received.path("user").asText()).isEqualTo("alice");
        assertThat(received.path("text").asText()).isEqualTo("hello");
        assertThat(alice.next("message").path("id").asLong()).as("the sender too").isEqualTo(id);
        assertThat(posted("room")).isEqualTo(1);
    }

    @Test
    void aRetryWithTheSameClientIdGetsTheSameIdAndIsNotSentAgain() {
        alice.call("join", Map.of("room", "lobby"));
        bob.call("join", Map.of("room", "lobby"));
        Map<String, String> message = Map.of("room", "lobby", "text", "once", "clientId", "c1");

        long first = alice.call("message", message).path("id").asLong();
        long again = alice.call("message", message).path("id").asLong();
        long next = alice.call("message", Map.of("room", "lobby", "text", "next")).path("id").asLong();

        assertThat(again).isEqualTo(first);
        assertThat(bob.next("message").path("id").asLong()).isEqualTo(first);
        assertThat(bob.next("message").path("id").asLong()).as("no second copy before it").isEqualTo(next);
        assertThat(posted("room")).as("a retry is not posted again").isEqualTo(2);
    }

    @Test
    void emptyOrTooLargeTextsAndBadClientIdsAreRefused() {
        alice.call("join", Map.of("room", "lobby"));

        assertThat(alice.call("message", Map.of("room", "lobby", "text", "")).path("error").asText())
                .isEqualTo("text is required");
        assertThat(alice.call("message", Map.of("room", "lobby", "text", "x".repeat(ChatFace.MAX_MESSAGE_BYTES + 1)))
                .path("error").asText()).isEqualTo("message is larger than " + ChatFace.MAX_MESSAGE_BYTES + " bytes");
        assertThat(alice.call("message", Map.of("room", "lobby", "text", "hi", "clientId", "c".repeat(65)))
                .path("error").asText()).isEqualTo("clientId must have 1 to 64 characters");
        assertThat(refused("room", "empty")).isEqualTo(1);
        assertThat(refused("room", "too-large")).isEqualTo(1);
        assertThat(refused("room", "bad-client-id")).isEqualTo(1);
        assertThat(posted("room")).isZero();
    }

    @Test
    void aDirectMessageReachesEverySocketOfBothUsers() {
        ChatFace.Client alicesOtherTab = face.connect("alice");

        long id = alice.call("dm", Map.of("to", "bob", "text", "psst")).path("id").asLong();

        for (ChatFace.Client socket : new ChatFace.Client[] {bob, alice, alicesOtherTab}) {
            JsonNode dm = socket.next("dm");
            assertThat(dm.path("id").asLong()).isEqualTo(id);
            assertThat(dm.path("from").asText()).isEqualTo("alice");
            assertThat(dm.path("to").asText()).isEqualTo("bob");
            assertThat(dm.path("text").asText()).isEqualTo("psst");
        }
        assertThat(alice.call("dm", Map.of("to", "not a name!", "text", "x")).path("error").asText())
                .startsWith("to: ");
        assertThat(posted("direct")).isEqualTo(1);
        assertThat(refused("direct", "bad-recipient")).isEqualTo(1);
    }

    @Test
    void eachSocketAMessageReachesCountsAsADeliveryOfItsKind() {
        alice.call("join", Map.of("room", "lobby"));
        bob.call("join", Map.of("room", "lobby"));
        alice.call("message", Map.of("room", "lobby", "text", "to both"));
        bob.next("message");
        alice.next("message");
        alice.call("dm", Map.of("to", "bob", "text", "to both again"));
        bob.next("dm");
        alice.next("dm");

        assertThat(face.count("chorus.messages.delivered", "kind", "room")).isEqualTo(2);
        assertThat(face.count("chorus.messages.delivered", "kind", "direct")).isEqualTo(2);
    }

    private double posted(String kind) {
        return face.count("chorus.messages.posted", "kind", kind);
    }

    private double refused(String kind, String reason) {
        return face.count("chorus.messages.refused", "kind", kind, "reason", reason);
    }
}
