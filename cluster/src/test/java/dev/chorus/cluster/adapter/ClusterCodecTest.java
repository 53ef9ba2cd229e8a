package dev.chorus.cluster.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.PersistedSession;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shapes Node's adapters read: checked against the entries and sessions they write (socketio-wire.md §5). */
class ClusterCodecTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void aBroadcastWithoutBinaryIsTheJsonNodeWrites() {
        ArrayNode event = NODES.arrayNode().add("news").add("first");
        String data = ClusterCodec.streamData(ClusterCodec.broadcastData(event,
                new BroadcastOptions(Set.of("room1"), Set.of(), false, false)));
        assertThat(data).isEqualTo("{\"packet\":{\"type\":2,\"data\":[\"news\",\"first\"]},"
                + "\"opts\":{\"rooms\":[\"room1\"],\"except\":[],\"flags\":{}}}");
    }

    /** A message as a room's members see it, with an object inside that has an id of its own. */
    record Shown(String text, Reply reply, long id) {
    }

    record Reply(long id) {
    }

    record NoId(String text) {
    }

    record WithBinary(long id, byte[] image) {
    }

    @Test
    void aStoredBroadcastLeavesASlotWhereThePayloadsOwnIdGoes() {
        ClusterCodec.Slotted slotted = ClusterCodec.broadcastWithIdSlot("message", new Shown("h\u00e9 \"id\":1",
                new Reply(9), 0), new BroadcastOptions(Set.of("lobby"), Set.of(), false, false));

        assertThat(slotted.before() + "42" + slotted.after()).isEqualTo("{\"packet\":{\"type\":2,\"data\":[\"message\","
                + "{\"text\":\"h\u00e9 \\\"id\\\":1\",\"reply\":{\"id\":9},\"id\":42}]},"
                + "\"opts\":{\"rooms\":[\"lobby\"],\"except\":[],\"flags\":{}}}");
    }

    @Test
    void aStoredBroadcastsPayloadHasAnIdAndNoBinary() {
        BroadcastOptions lobby = new BroadcastOptions(Set.of("lobby"), Set.of(), false, false);

        assertThatThrownBy(() -> ClusterCodec.broadcastWithIdSlot("message", new NoId("hi"), lobby))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterCodec.broadcastWithIdSlot("message", new WithBinary(0, new byte[] {1}),
                lobby)).hasRootCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void flagsThatAreNotSetAreAbsentNotFalse() {
        JsonNode opts = ClusterCodec.options(new BroadcastOptions(Set.of(), Set.of("x"), false, false));
        assertThat(opts.path("flags").has("volatile")).isFalse();
        assertThat(ClusterCodec.readOptions(opts).isVolatile()).isFalse();
        JsonNode volatileOpts = ClusterCodec.options(new BroadcastOptions(Set.of(), Set.of(), true, false));
        assertThat(ClusterCodec.readOptions(volatileOpts).isVolatile()).isTrue();
    }

    @Test
    void binaryGoesAsBase64MsgpackAndComesBack() throws Exception {
        ArrayNode event = NODES.arrayNode().add("file").add(NODES.binaryNode(new byte[] {1, 2, 3}));
        String data = ClusterCodec.streamData(ClusterCodec.broadcastData(event,
                new BroadcastOptions(Set.of(), Set.of(), false, false)));
        assertThat(data).doesNotStartWith("{");
        JsonNode back = ClusterCodec.readStreamData(data);
        assertThat(back.path("packet").path("data").get(1).binaryValue()).containsExactly(1, 2, 3);
    }

    @Test
    void aSessionRoundTripsThroughBase64Msgpack() {
        PersistedSession session = new PersistedSession("sid1", "pid1", Set.of("sid1", "room:a"),
                NODES.objectNode().put("user", "alice"));
        PersistedSession back = ClusterCodec.decodeSession(ClusterCodec.encodeSession(session));
        assertThat(back).isEqualTo(session);
    }

    @Test
    void streamIdsOrderNumericallyAndRefuseOtherText() {
        assertThat(StreamId.parse("1795499127549-10")).isGreaterThan(StreamId.parse("1795499127549-9"));
        assertThat(StreamId.parse("1795499127550-0")).isGreaterThan(StreamId.parse("1795499127549-99"));
        assertThat(StreamId.parse("12-3")).hasToString("12-3");
        assertThat(StreamId.parse("abc")).isNull();
        assertThat(StreamId.parse("1-")).isNull();
        assertThat(StreamId.parse("-1")).isNull();
        assertThat(StreamId.parse("1-2-3")).isNull();
        assertThat(StreamId.parse("1-x")).isNull();
        assertThat(StreamId.parse("12345678901234567890-1")).as("twenty digits").isNull();
        assertThat(StreamId.parse("1234567890123456789-1234567890123456789")).isNotNull();
        assertThat(StreamId.parse(null)).isNull();
    }
}
