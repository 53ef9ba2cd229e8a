package dev.chorus.xmppface;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.xmpp.stream.XmppClient;
import dev.chorus.xmpp.xml.StreamError;
import dev.chorus.xmpp.xml.XmlElement;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A resource resumed here catches up: what it missed first, then the live messages, each once. */
class LocalResourceTest {
    private final List<String> sent = new ArrayList<>();
    private final LocalResource resource = new LocalResource("alice", "alice@chorus.test",
            new RecordingClient(), "c1", 0);

    @Test
    void liveMessagesHeldWhileCatchingUpFollowTheMissedOnesAndThoseAlreadySentAreLeftOut() {
        resource.catchingUp(Map.of("den", 10L), 0);
        resource.roomMessage("den", 12, body("twelve"));
        resource.roomMessage("den", 13, body("thirteen"));

        resource.missed("den", 11, body("eleven"));
        resource.missed("den", 12, body("twelve"));
        resource.caughtUp();

        assertThat(sent).containsExactly("eleven", "twelve", "thirteen");
        assertThat(resource.roomFloor("den")).isEqualTo(13L);
    }

    @Test
    void aMissedMessageWhoseLiveCopyComesAfterTheCatchUpIsNotSentTwice() {
        resource.catchingUp(Map.of("den", 10L), 0);
        resource.missed("den", 11, body("sent while cut off"));
        resource.missed(null, 11, body("psst"));
        resource.caughtUp();

        resource.roomMessage("den", 11, body("sent while cut off"));
        resource.directMessage(11, body("psst"));
        resource.roomMessage("den", 14, body("back"));
        resource.directMessage(15, body("welcome back"));

        assertThat(sent).containsExactly("sent while cut off", "psst", "back", "welcome back");
    }

    @Test
    void messagesOutOfTheRoomsOrderStillReachAResourceThatNeverCaughtUp() {
        resource.roomMessage("den", 6, body("six"));
        resource.roomMessage("den", 5, body("five, stored earlier on another node"));

        assertThat(sent).containsExactly("six", "five, stored earlier on another node");
    }

    private static XmlElement body(String text) {
        return XmlElement.builder("message", "jabber:client").child("body", "jabber:client", text).build();
    }

    private final class RecordingClient implements XmppClient {
        @Override
        public String jid() {
            return "alice@chorus.test/phone";
        }

        @Override
        public void send(XmlElement stanza) {
            sent.add(stanza.child("body", "jabber:client").orElseThrow().text());
        }

        @Override
        public void stateChanged() {
        }

        @Override
        public void end(StreamError error, String text) {
        }

        @Override
        public EventExecutor executor() {
            return ImmediateEventExecutor.INSTANCE;
        }
    }
}
