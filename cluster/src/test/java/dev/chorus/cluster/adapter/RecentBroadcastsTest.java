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
    private final RecentBroadcasts recent = new RecentBroadcasts(id(100), 3);

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

    private void add(long millis, String room, String text) {
        ArrayNode data = JsonNodeFactory.instance.arrayNode().add("message").add(text).add(millis + "-0");
        recent.add(id(millis), new BroadcastOptions(Set.of(room), Set.of(), false, false), data, millis + "-0");
    }

    private static StreamId id(long millis) {
        return new StreamId(millis, 0);
    }

    private static List<String> texts(List<ReplayedPacket> packets) {
        return packets.stream().map(packet -> packet.data().get(1).asText()).toList();
    }
}
