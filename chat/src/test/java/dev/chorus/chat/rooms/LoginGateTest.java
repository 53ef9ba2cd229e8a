package dev.chorus.chat.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoginGateTest extends FaceTest {

    @Test
    void aSocketWithoutALoggedInSessionIsRefused() {
        for (String cookie : new String[] {null, "jsessionid=made-up"}) {
            ChatFace.Client stranger = face.open(cookie);
            stranger.send("0");
            assertThat(stranger.nextPacket()).as("cookie %s", cookie).isEqualTo("4{\"message\":\"unauthorized\"}");
        }
    }

    @Test
    void theSocketsUserIsTheSessionsWhateverTheClientSays() {
        ChatFace.Client alice = face.connect("alice");
        alice.call("join", Map.of("room", "lobby"));

        alice.call("message", Map.of("room", "lobby", "text", "hi", "user", "mallory"));

        assertThat(alice.next("message").path("user").asText()).isEqualTo("alice");
    }

    @Test
    void oneConnectionTooManyIsRefusedWithTheLimit() {
        for (int i = 0; i < ChatFace.MAX_CONNECTIONS_PER_USER; i++) {
            face.connect("alice");
        }
        ChatFace.Client oneTooMany = face.open("jsessionid=" + face.sessions().open("alice").join().id());
        oneTooMany.send("0");

        assertThat(oneTooMany.nextPacket()).startsWith("4{\"message\":\"too many connections\"")
                .contains("\"max\":" + ChatFace.MAX_CONNECTIONS_PER_USER);
        face.connect("bob");
    }

    @Test
    void aSessionThatEndsTakesItsSocketsWithIt() {
        String session = face.sessions().open("alice").join().id();
        ChatFace.Client alice = face.open("jsessionid=" + session);
        alice.send("0");
        assertThat(alice.nextPacket()).startsWith("0{");

        face.sessions().close(session).join();

        assertThat(alice.nextPacket()).as("DISCONNECT").isEqualTo("1");
    }

    @Test
    void aKickEndsEverySessionAndSocketOfTheUser() {
        ChatFace.Client first = face.connect("alice");
        ChatFace.Client second = face.connect("alice");
        ChatFace.Client bob = face.connect("bob");

        assertThat(face.chat().kick("alice").join()).isEqualTo(2);

        assertThat(first.nextPacket()).isEqualTo("1");
        assertThat(second.nextPacket()).isEqualTo("1");
        assertThat(bob.call("rooms", Map.of()).has("rooms")).as("bob stays").isTrue();
    }
}
