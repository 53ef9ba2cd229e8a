package dev.chorus.cluster.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.ReplayedPacket;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Broadcasts delivered lately, replayed from memory to a recovering socket, or not at all when some are gone. */
class RecentBroadcastsTest {
    private final RecentBroadcasts recent = new RecentBroadcasts("/", id(100), 3);

    @Test
    void aSocketIsReplayedTheBroadcastsOfItsRoomsAfterItsOffsetUpToTheReader() {
        add(101, "lobby", "one");
        add(102, "den", "elsewhere");
        add(103, "lobby", "two");

        assertThat(texts(recent.replay(id(100), id(103), Set.of("lobby")))).containsExactly("one", "two");
        assertThat(texts(recent.replay(id(101), id(102), Set.of("lobby", "den")))).containsExactly("elsewhere");
        assertThat(recent.replay(id(101), id(103), Set.of("lobby"))).extracting(ReplayedPacket::offset)
                .containsExactly("103-0");
    }

    @Test
    void anOffsetOlderThanWhatIsKeptIsLeftToTheStream() {
        assertThat(recent.replay(id(99), id(100), Set.of("lobby"))).as("before the reader began").isNull();
        for (int i = 101; i <= 104; i++) {
            add(i, "lobby", "m" + i);
        }

        assertThat(recent.replay(id(100), id(104), Set.of("lobby"))).as("101 forgotten").isNull();
        assertThat(texts(recent.replay(id(101), id(104), Set.of("lobby")))).containsExactly("m102", "m103", "m104");
    }

    @Test
    void aReplayedBroadcastIsTheEventAsItWasSentWithItsOffsetLast() {
        add(101, "lobby", "one");

        ReplayedPacket replayed = recent.replay(id(100), id(101), Set.of("lobby")).get(0);
        assertThat(replayed.offset()).isEqualTo("101-0");
        assertThat(replayed.packet().data().toString()).isEqualTo("[\"message\",\"one\",\"101-0\"]");
        assertThat(recent.replay(id(100), id(101), Set.of("lobby")).get(0).packet().data())
                .as("each replay decodes its own copy").isNotSameAs(replayed.packet().data())
                .isEqualTo(replayed.packet().data());
    }

    @Test
    void aBroadcastWithBinaryIsReplayedWithItsBytes() {
        BroadcastOptions options = new BroadcastOptions(Set.of("lobby"), Set.of(), false, false);
        ArrayNode event = JsonNodeFactory.instance.arrayNode().add("file").add(new byte[] {1, 2, 3});
        recent.add(id(101), "101-0", options, ClusterCodec.streamData(ClusterCodec.broadcastData(event, options)));

        ArrayNode replayed = (ArrayNode) recent.replay(id(100), id(101), Set.of("lobby")).get(0).packet().data();
        assertThat(replayed.get(1).isBinary()).isTrue();
        assertThat(replayed.get(2).asText()).isEqualTo("101-0");
    }

    /** As the stream carries it, without the offset, which the entry's id is. */
    private void add(long millis, String room, String text) {
        BroadcastOptions options = new BroadcastOptions(Set.of(room), Set.of(), false, false);
        ArrayNode event = JsonNodeFactory.instance.arrayNode().add("message").add(text);
        recent.add(id(millis), millis + "-0", options,
                ClusterCodec.streamData(ClusterCodec.broadcastData(event, options)));
    }

    private static StreamId id(long millis) {
        return new StreamId(millis, 0);
    }

    private static List<String> texts(List<ReplayedPacket> packets) {
        return packets.stream().map(packet -> packet.packet().data().get(1).asText()).toList();
    }
}
