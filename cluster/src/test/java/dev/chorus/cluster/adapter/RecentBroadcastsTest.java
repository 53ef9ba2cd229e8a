package dev.chorus.cluster.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.ReplayedPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Broadcasts delivered lately, replayed from memory to a recovering socket, or not at all when some are gone. */
class RecentBroadcastsTest {
    private final RecentBroadcasts recent = new RecentBroadcasts("/", id(100), 3, 1 << 20);

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
        recent.add(id(101), options, ClusterCodec.streamData(ClusterCodec.broadcastData(event, options)));

        ArrayNode replayed = (ArrayNode) recent.replay(id(100), id(101), Set.of("lobby")).get(0).packet().data();
        assertThat(replayed.get(1).isBinary()).isTrue();
        assertThat(replayed.get(2).asText()).isEqualTo("101-0");
    }

    @Test
    void broadcastsToSeveralRoomsOrToAllButSomeAreReplayedToTheSocketsTheyReached() {
        add(recent, 101, new BroadcastOptions(Set.of("lobby", "den"), Set.of(), false, false), "both");
        add(recent, 102, new BroadcastOptions(Set.of(), Set.of("den"), false, false), "all but den");

        assertThat(texts(recent.replay(id(100), id(102), Set.of("den")))).containsExactly("both");
        assertThat(texts(recent.replay(id(100), id(102), Set.of("lobby")))).containsExactly("both", "all but den");
        assertThat(texts(recent.replay(id(100), id(102), Set.of("attic")))).containsExactly("all but den");
    }

    @Test
    void aReplayDecodesOnlyWhatMayHaveReachedItsRoomsEvenWhenSomeWereLeftOut() {
        add(recent, 101, new BroadcastOptions(Set.of("presence:lobby"), Set.of("s1"), false, false), "ann came");
        add(recent, 102, new BroadcastOptions(Set.of("user:ann", "user:bob"), Set.of(), false, false), "direct");
        add(recent, 103, new BroadcastOptions(Set.of(), Set.of("den"), false, false), "all but den");

        assertThat(offsets(recent.candidates(id(100), id(103), Set.of("attic", "s9")))).containsExactly("103-0");
        assertThat(offsets(recent.candidates(id(100), id(103), Set.of("user:bob")))).containsExactly("102-0", "103-0");
        assertThat(texts(recent.replay(id(100), id(103), Set.of("presence:lobby", "s1")))).containsExactly(
                "all but den");
        assertThat(texts(recent.replay(id(100), id(103), Set.of("presence:lobby", "s2")))).containsExactly(
                "ann came", "all but den");
        assertThat(texts(recent.replay(id(100), id(103), Set.of("user:ann", "den")))).containsExactly("direct");
    }

    @Test
    void roomsWhoseNamesHashAlikeStillGetOnlyTheirOwn() {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        add(101, "Aa", "for Aa");

        assertThat(recent.replay(id(100), id(101), Set.of("BB"))).isEmpty();
        assertThat(texts(recent.replay(id(100), id(101), Set.of("Aa")))).containsExactly("for Aa");
    }

    @Test
    void theOldestAreForgottenOnceTheirBytesPassTheBound() {
        RecentBroadcasts small = new RecentBroadcasts("/", id(100), 100, 300);
        for (int i = 101; i <= 106; i++) {
            add(small, i, lobby(), "m" + i);
        }

        assertThat(texts(small.replay(id(103), id(106), Set.of("lobby")))).containsExactly("m104", "m105", "m106");
        assertThat(small.replay(id(102), id(106), Set.of("lobby"))).as("103 forgotten: three fit in 300 bytes")
                .isNull();
    }

    @Test
    void aBroadcastLargerThanAllThatIsKeptIsLeftToTheStreamWithEverythingBeforeIt() {
        RecentBroadcasts small = new RecentBroadcasts("/", id(100), 100, 300);
        add(small, 101, lobby(), "small");
        add(small, 102, lobby(), "x".repeat(400));
        add(small, 103, lobby(), "after");

        assertThat(small.replay(id(101), id(103), Set.of("lobby"))).isNull();
        assertThat(texts(small.replay(id(102), id(103), Set.of("lobby")))).containsExactly("after");
    }

    @ParameterizedTest
    @CsvSource({"7, 1500", "5000, 1048576"})
    void whatIsReplayedIsExactlyWhatWasAddedThroughWrapsGrowthAndForgetting(int capacity, int maxBytes) {
        RecentBroadcasts ring = new RecentBroadcasts("/", id(0), capacity, maxBytes);
        Random random = new Random(19);
        List<String> added = new ArrayList<>();
        List<String> rooms = new ArrayList<>();
        for (int i = 1; i <= 2_000; i++) {
            String text = "m" + i + "-" + "y".repeat(random.nextInt(200));
            String room = random.nextBoolean() ? "lobby" : "den";
            add(ring, i, new BroadcastOptions(Set.of(room), Set.of(), false, false), text);
            added.add(text);
            rooms.add(room);
            for (int after = Math.max(0, i - 8); after < i; after++) {
                List<ReplayedPacket> replayed = ring.replay(id(after), id(i), Set.of("lobby"));
                if (after == i - 1) {
                    assertThat(replayed).as("the newest is always kept").isNotNull();
                }
                if (replayed != null) {
                    List<String> expected = new ArrayList<>();
                    for (int k = after; k < i; k++) {
                        if (rooms.get(k).equals("lobby")) {
                            expected.add(added.get(k));
                        }
                    }
                    assertThat(texts(replayed)).as("after %d of %d", after, i).isEqualTo(expected);
                }
            }
        }
    }

    /** As the stream carries it, without the offset, which the entry's id is. */
    private void add(long millis, String room, String text) {
        add(recent, millis, new BroadcastOptions(Set.of(room), Set.of(), false, false), text);
    }

    private static void add(RecentBroadcasts to, long millis, BroadcastOptions options, String text) {
        ArrayNode event = JsonNodeFactory.instance.arrayNode().add("message").add(text);
        to.add(id(millis), options, ClusterCodec.streamData(ClusterCodec.broadcastData(event, options)));
    }

    private static BroadcastOptions lobby() {
        return new BroadcastOptions(Set.of("lobby"), Set.of(), false, false);
    }

    private static StreamId id(long millis) {
        return new StreamId(millis, 0);
    }

    private static List<String> offsets(List<RecentBroadcasts.Missed> candidates) {
        return candidates.stream().map(RecentBroadcasts.Missed::offset).toList();
    }

    private static List<String> texts(List<ReplayedPacket> packets) {
        return packets.stream().map(packet -> packet.packet().data().get(1).asText()).toList();
    }
}
