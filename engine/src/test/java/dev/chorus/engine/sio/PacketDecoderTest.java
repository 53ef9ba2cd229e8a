package dev.chorus.engine.sio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.engine.eio.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wire examples of socketio-wire.md §2, as the server receives them (the Engine.IO "4" already taken off). */
class PacketDecoderTest {
    private static final ObjectMapper MAPPER = SocketIoOptions.defaultMapper();
    private static final String P0 = "{\"_placeholder\":true,\"num\":0}";
    private static final String P1 = "{\"_placeholder\":true,\"num\":1}";

    private final PacketDecoder decoder = new PacketDecoder(MAPPER, PacketDecoder.DEFAULT_MAX_ATTACHMENTS);

    @Test
    void connectToTheMainNamespace() {
        assertThat(decoder.decode("0")).isEqualTo(new Packet(PacketType.CONNECT, "/", Packet.NO_ACK, null));
        assertThat(decoder.decode("0{\"token\":\"123\"}"))
                .isEqualTo(new Packet(PacketType.CONNECT, "/", Packet.NO_ACK, json("{\"token\":\"123\"}")));
    }

    @Test
    void connectToACustomNamespaceWithOrWithoutTheTrailingComma() {
        Packet bare = new Packet(PacketType.CONNECT, "/custom", Packet.NO_ACK, null);
        assertThat(decoder.decode("0/custom")).isEqualTo(bare);
        assertThat(decoder.decode("0/custom,")).isEqualTo(bare);
        assertThat(decoder.decode("0/custom,{\"token\":\"abc\"}"))
                .isEqualTo(new Packet(PacketType.CONNECT, "/custom", Packet.NO_ACK, json("{\"token\":\"abc\"}")));
    }

    @Test
    void events() {
        assertThat(decoder.decode("2[\"hey\",\"Jude\"]"))
                .isEqualTo(new Packet(PacketType.EVENT, "/", Packet.NO_ACK, json("[\"hey\",\"Jude\"]")));
        assertThat(decoder.decode("2/admin,[\"bar\"]"))
                .isEqualTo(new Packet(PacketType.EVENT, "/admin", Packet.NO_ACK, json("[\"bar\"]")));
        assertThat(decoder.decode("2[42,\"numeric event name\"]").data().get(0).intValue()).isEqualTo(42);
    }

    @Test
    void eventsWithAnAckIdAfterTheNamespace() {
        assertThat(decoder.decode("2456[\"message-with-ack\",1]"))
                .isEqualTo(new Packet(PacketType.EVENT, "/", 456, json("[\"message-with-ack\",1]")));
        assertThat(decoder.decode("2/admin,0[\"x\"]"))
                .isEqualTo(new Packet(PacketType.EVENT, "/admin", 0, json("[\"x\"]")));
        assertThat(decoder.decode("2999999999999999999[\"x\"]").ackId()).isEqualTo(999_999_999_999_999_999L);
    }

    @Test
    void acks() {
        assertThat(decoder.decode("3456[1,\"2\",{\"3\":[false]}]"))
                .isEqualTo(new Packet(PacketType.ACK, "/", 456, json("[1,\"2\",{\"3\":[false]}]")));
        assertThat(decoder.decode("3/custom,7[]"))
                .isEqualTo(new Packet(PacketType.ACK, "/custom", 7, json("[]")));
    }

    @Test
    void disconnects() {
        assertThat(decoder.decode("1")).isEqualTo(new Packet(PacketType.DISCONNECT, "/", Packet.NO_ACK, null));
        assertThat(decoder.decode("1/custom,"))
                .isEqualTo(new Packet(PacketType.DISCONNECT, "/custom", Packet.NO_ACK, null));
    }

    @Test
    void binaryEventWaitsForItsAttachmentsAndPutsThemInPlace() {
        assertThat(decoder.decode("52-[\"message\"," + P0 + "," + P1 + "]")).isNull();
        assertThat(decoder.decodeBinary(new byte[] {1, 2, 3})).isNull();
        Packet packet = decoder.decodeBinary(new byte[] {4});

        assertThat(packet.type()).isEqualTo(PacketType.BINARY_EVENT);
        assertThat(packet.nsp()).isEqualTo("/");
        assertThat(packet.hasAck()).isFalse();
        assertThat(packet.data().get(0).asText()).isEqualTo("message");
        assertThat(packet.data().get(1).isBinary()).isTrue();
        assertThat(bytes(packet.data().get(1))).containsExactly(1, 2, 3);
        assertThat(bytes(packet.data().get(2))).containsExactly(4);

        // The decoder is ready for the next packet.
        assertThat(decoder.decode("2[\"next\"]").type()).isEqualTo(PacketType.EVENT);
    }

    @Test
    void binaryAckWithNamespaceAndAckId() {
        assertThat(decoder.decode("62-/custom,789[" + P0 + ",{\"nested\":[" + P1 + "]}]")).isNull();
        assertThat(decoder.decodeBinary(new byte[] {9})).isNull();
        Packet packet = decoder.decodeBinary(new byte[] {8, 7});

        assertThat(packet.type()).isEqualTo(PacketType.BINARY_ACK);
        assertThat(packet.nsp()).isEqualTo("/custom");
        assertThat(packet.ackId()).isEqualTo(789);
        assertThat(bytes(packet.data().get(0))).containsExactly(9);
        assertThat(bytes(packet.data().get(1).get("nested").get(0))).containsExactly(8, 7);
    }

    @Test
    void placeholdersMayRepeatAnAttachment() {
        decoder.decode("51-[\"e\"," + P0 + "," + P0 + "]");
        Packet packet = decoder.decodeBinary(new byte[] {5});
        assertThat(bytes(packet.data().get(1))).containsExactly(5);
        assertThat(bytes(packet.data().get(2))).containsExactly(5);
    }

    @Test
    void zeroAttachmentsIsAPacketAsItIs() {
        Packet packet = decoder.decode("50-[\"e\",1]");
        assertThat(packet).isEqualTo(new Packet(PacketType.BINARY_EVENT, "/", Packet.NO_ACK, json("[\"e\",1]")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"})
    void refusesReservedEventNames(String name) {
        assertThatThrownBy(() -> decoder.decode("2[\"" + name + "\",1]")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> decoder.decode("51-[\"" + name + "\"," + P0 + "]"))
                .isInstanceOf(ProtocolException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "abc", "7", "8[\"a\"]", "/", " 2[\"a\"]",         // empty, unknown types
        "2{}", "2abc[\"a\"]", "2[]", "2", "2\"a\"", "2[true]", "2[null]", "2[{}]", "2[[\"a\"]]", // bad events
        "2[\"a\"", "2[\"a\"]]", "2[\"a\"]x", "2[\"a\"][\"b\"]", "2[\"a\",]", "2['a']", "2[\"a\"] 1", // bad JSON
        "3", "3456", "3456{}", "3456\"a\"",                  // acks need an array
        "1{}", "1[]", "1/custom,{}", "1\"x\"",                  // disconnect takes no payload
        "0[]", "0\"token\"", "0/custom,[1]",             // connect payload must be an object
        "4", "4[]", "41",                                      // connect error needs a message
        "5[\"a\"]", "5-[\"a\"]", "5x-[\"a\"]", "5-1-[\"a\"]", "511-[\"a\"]", "5999999999999-[\"a\"]", // counts
        "51-", "51-{}", "6", "61-", "61-1{}"
    })
    void refusesMalformedPackets(String packet) {
        assertThatThrownBy(() -> decoder.decode(packet)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void acceptsUpToTheMaximumAttachmentCount() {
        assertThat(decoder.decode("510-[\"a\"]")).isNull();
        assertThatThrownBy(() -> new PacketDecoder(MAPPER, 10).decode("511-[\"a\"]"))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> new PacketDecoder(MAPPER, 2).decode("53-[\"a\"]"))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void refusesTextWhileWaitingForAttachments() {
        decoder.decode("51-[\"a\"," + P0 + "]");
        assertThatThrownBy(() -> decoder.decode("2[\"a\"]")).isInstanceOf(ProtocolException.class);
    }

    @Test
    void refusesBinaryWithoutAPacketWaitingForIt() {
        assertThatThrownBy(() -> decoder.decodeBinary(new byte[] {1})).isInstanceOf(ProtocolException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"_placeholder\":true,\"num\":1}",
        "{\"_placeholder\":true,\"num\":-1}",
        "{\"_placeholder\":true,\"num\":\"0\"}",
        "{\"_placeholder\":true,\"num\":0.5}",
        "{\"_placeholder\":true}",
        "{\"_placeholder\":true,\"num\":null}",
        "{\"_placeholder\":true,\"num\":99999999999}"
    })
    void refusesPlaceholdersThatNameNoAttachment(String placeholder) {
        decoder.decode("51-[\"a\"," + placeholder + "]");
        assertThatThrownBy(() -> decoder.decodeBinary(new byte[] {1})).isInstanceOf(ProtocolException.class);
    }

    @Test
    void onlyATrueFlagMakesAPlaceholder() {
        decoder.decode("51-[\"a\",{\"_placeholder\":\"true\",\"num\":0},{\"_placeholder\":false,\"num\":0}]");
        Packet packet = decoder.decodeBinary(new byte[] {1});
        assertThat(packet.data().get(1)).isEqualTo(json("{\"_placeholder\":\"true\",\"num\":0}"));
        assertThat(packet.data().get(2)).isEqualTo(json("{\"_placeholder\":false,\"num\":0}"));
    }

    @Test
    void aPlaceholderWithMoreKeysIsStillAPlaceholder() {
        decoder.decode("51-[\"a\",{\"_placeholder\":true,\"num\":0,\"extra\":1}]");
        assertThat(bytes(decoder.decodeBinary(new byte[] {6}).data().get(1))).containsExactly(6);
    }

    @Test
    void aWholeNumberWrittenAsAFloatNamesAnAttachment() {
        decoder.decode("51-[\"a\",{\"_placeholder\":true,\"num\":0.0}]");
        assertThat(bytes(decoder.decodeBinary(new byte[] {3}).data().get(1))).containsExactly(3);
    }

    @Test
    void toleratesWhitespaceAroundTheJsonAsJsonParseDoes() {
        assertThat(decoder.decode("2[\"a\"] ").data()).isEqualTo(json("[\"a\"]"));
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            assertThat(node.isBinary()).as("binary node: %s", node).isTrue();
            return node.binaryValue();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
