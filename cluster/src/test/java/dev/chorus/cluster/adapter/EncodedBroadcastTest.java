package dev.chorus.cluster.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chorus.engine.sio.BroadcastOptions;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A stream entry's event cut out of its text for the sockets, or left to the tree when it is anything else. */
class EncodedBroadcastTest {
    private static final BroadcastOptions LOBBY = new BroadcastOptions(Set.of("lobby"), Set.of("sid1"), false, false);

    @Test
    void anEventBroadcastIsItsArgumentsAsWrittenWithTheOffsetLast() {
        ArrayNode event = JsonNodeFactory.instance.arrayNode().add("message");
        event.addObject().put("text", "caf\u00e9 \"quoted\" ] [").put("id", 7);
        String data = ClusterCodec.streamData(ClusterCodec.broadcastData(event, LOBBY));

        EncodedBroadcast broadcast = EncodedBroadcast.read(data, "1700000000000-3");

        assertThat(broadcast.event()).isEqualTo("message");
        assertThat(broadcast.json())
                .isEqualTo("[\"message\",{\"text\":\"caf\u00e9 \\\"quoted\\\" ] [\",\"id\":7},\"1700000000000-3\"]");
        assertThat(broadcast.options()).isEqualTo(LOBBY);
        assertThat(broadcast.packet("/").data()).isEqualTo(event.deepCopy().add("1700000000000-3"));
    }

    @Test
    void aNodePeersEntryIsReadWhateverItsFieldsOrderAndSpacing() {
        String data = "{ \"opts\": {\"rooms\":[\"lobby\"],\"except\":[],\"flags\":{}},"
                + " \"packet\": {\"nsp\":\"/\", \"data\": [ \"hello\", [1, {\"a\":[]}], null ] , \"type\":2 } }";

        EncodedBroadcast broadcast = EncodedBroadcast.read(data, "5-0");

        assertThat(broadcast.event()).isEqualTo("hello");
        assertThat(broadcast.json()).isEqualTo("[ \"hello\", [1, {\"a\":[]}], null ,\"5-0\"]");
        assertThat(broadcast.options().rooms()).containsExactly("lobby");
    }

    @Test
    void whatIsNoPlainDurableEventIsLeftToTheTree() {
        assertThat(read("{\"packet\":{\"type\":2,\"data\":[\"x\"],\"id\":3},\"opts\":" + opts("{}") + "}"))
                .as("acknowledged").isNull();
        assertThat(read("{\"packet\":{\"type\":2,\"data\":[\"x\"]},\"opts\":" + opts("{\"volatile\":true}") + "}"))
                .as("volatile").isNull();
        assertThat(read("{\"packet\":{\"type\":3,\"data\":[\"x\"]},\"opts\":" + opts("{}") + "}")).as("an ack")
                .isNull();
        assertThat(read("{\"packet\":{\"type\":2,\"data\":[]},\"opts\":" + opts("{}") + "}")).as("no name").isNull();
        assertThat(read("{\"packet\":{\"type\":2,\"data\":[1]},\"opts\":" + opts("{}") + "}")).as("no name").isNull();
        assertThat(read("{\"packet\":{\"type\":2,\"data\":[\"x\"]}}")).as("no audience").isNull();
        assertThat(read("{\"packet\":{\"type\":2,\"data\":[\"x\"]},\"opts\":" + opts("{}"))).as("cut short").isNull();
        assertThat(read("{\"packet\":{\"type\":2,\"data\":[\"x\",}},\"opts\":" + opts("{}") + "}")).as("not JSON")
                .isNull();
        ArrayNode binary = JsonNodeFactory.instance.arrayNode().add("file").add(new byte[] {1});
        assertThat(read(ClusterCodec.streamData(ClusterCodec.broadcastData(binary, LOBBY)))).as("binary").isNull();
    }

    private static EncodedBroadcast read(String data) {
        return EncodedBroadcast.read(data, "1-0");
    }

    private static String opts(String flags) {
        return "{\"rooms\":[\"lobby\"],\"except\":[],\"flags\":" + flags + "}";
    }
}
