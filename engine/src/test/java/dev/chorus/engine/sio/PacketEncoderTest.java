package dev.chorus.engine.sio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import dev.chorus.engine.eio.Frame;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's side of the wire examples in socketio-wire.md §2: exact Engine.IO frames, "4" prefix included. */
class PacketEncoderTest {
    private static final ObjectMapper MAPPER = SocketIoOptions.defaultMapper();
    private static final String P0 = "{\"_placeholder\":true,\"num\":0}";
    private static final String P1 = "{\"_placeholder\":true,\"num\":1}";

    private final PacketEncoder encoder = new PacketEncoder(MAPPER, ByteBufAllocator.DEFAULT);

    @Test
    void connectAck() {
        assertThat(encodeText(new Packet(PacketType.CONNECT, "/", Packet.NO_ACK, json("{\"sid\":\"abc\"}"))))
                .isEqualTo("40{\"sid\":\"abc\"}");
        assertThat(encodeText(new Packet(PacketType.CONNECT, "/custom", Packet.NO_ACK, json("{\"sid\":\"abc\"}"))))
                .isEqualTo("40/custom,{\"sid\":\"abc\"}");
    }

    @Test
    void connectError() {
        assertThat(encodeText(new Packet(PacketType.CONNECT_ERROR, "/random", Packet.NO_ACK,
                json("{\"message\":\"Invalid namespace\"}"))))
                .isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");
    }

    @Test
    void disconnect() {
        assertThat(encodeText(new Packet(PacketType.DISCONNECT, "/", Packet.NO_ACK, null))).isEqualTo("41");
        assertThat(encodeText(new Packet(PacketType.DISCONNECT, "/custom", Packet.NO_ACK, null)))
                .isEqualTo("41/custom,");
    }

    @Test
    void events() {
        assertThat(encodeText(Packet.event("/", json("[\"hey\",\"Jude\"]")))).isEqualTo("42[\"hey\",\"Jude\"]");
        assertThat(encodeText(Packet.event("/admin", json("[\"bar\"]")))).isEqualTo("42/admin,[\"bar\"]");
        assertThat(encodeText(new Packet(PacketType.EVENT, "/", 456, json("[\"message-with-ack\",1]"))))
                .isEqualTo("42456[\"message-with-ack\",1]");
        assertThat(encodeText(new Packet(PacketType.EVENT, "/admin", 0, json("[\"x\"]"))))
                .isEqualTo("42/admin,0[\"x\"]");
    }

    @Test
    void anEventHeldAsTextIsWrittenAsItIsAndReadOnlyWhenAsked() {
        Packet text = Packet.encodedEvent("/admin", "message", "[\"message\", {\"text\":\"h\u00e9\"} ,\"1-0\"]");

        assertThat(encodeText(text)).isEqualTo("42/admin,[\"message\", {\"text\":\"h\u00e9\"} ,\"1-0\"]");
        assertThat(encodeText(Packet.encodedEvent("/", "x", "[\"x\"]"))).isEqualTo("42[\"x\"]");
        assertThat(text.event()).isEqualTo("message");
        assertThat(text.data()).isEqualTo(json("[\"message\",{\"text\":\"h\u00e9\"},\"1-0\"]"));
        assertThat(text).isEqualTo(Packet.event("/admin", json("[\"message\",{\"text\":\"h\u00e9\"},\"1-0\"]")));
    }

    @Test
    void acks() {
        assertThat(encodeText(new Packet(PacketType.ACK, "/", 456, json("[1,\"2\",{\"3\":[false]}]"))))
                .isEqualTo("43456[1,\"2\",{\"3\":[false]}]");
        assertThat(encodeText(new Packet(PacketType.ACK, "/", 3, json("[]")))).isEqualTo("433[]");
    }

    @Test
    void binaryEventBecomesPlaceholdersAndAttachmentFrames() {
        ArrayNode data = MAPPER.createArrayNode().add("message-back")
                .add(BinaryNode.valueOf(new byte[] {1, 2, 3}))
                .add(BinaryNode.valueOf(new byte[] {4}));

        List<Frame> frames = encoder.encode(Packet.event("/", data));
        try {
            assertThat(frames).hasSize(3);
            assertThat(frames.get(0).isBinary()).isFalse();
            assertThat(text(frames.get(0))).isEqualTo("452-[\"message-back\"," + P0 + "," + P1 + "]");
            assertThat(frames.get(1).isBinary()).isTrue();
            assertThat(ByteBufUtil.getBytes(frames.get(1).content())).containsExactly(1, 2, 3);
            assertThat(ByteBufUtil.getBytes(frames.get(2).content())).containsExactly(4);
        } finally {
            frames.forEach(Frame::release);
        }
        // The packet itself keeps its bytes: a broadcast's log and its replay still hold them.
        assertThat(data.get(1).isBinary()).isTrue();
    }

    @Test
    void binaryAckWithNamespaceAndNestedBinary() {
        ArrayNode data = MAPPER.createArrayNode();
        data.add(BinaryNode.valueOf(new byte[] {9}));
        data.addObject().putArray("nested").add(BinaryNode.valueOf(new byte[] {8}));

        List<Frame> frames = encoder.encode(new Packet(PacketType.ACK, "/custom", 789, data));
        try {
            assertThat(text(frames.get(0))).isEqualTo("462-/custom,789[" + P0 + ",{\"nested\":[" + P1 + "]}]");
            assertThat(frames).hasSize(3);
        } finally {
            frames.forEach(Frame::release);
        }
    }

    @Test
    void onlyEventsAndAcksCarryAttachments() {
        // A middleware may refuse with binary data; the refusal must stay a CONNECT_ERROR the client can read.
        JsonNode data = MAPPER.createObjectNode().put("message", "no").put("data", new byte[] {1, 2});
        assertThat(encodeText(new Packet(PacketType.CONNECT_ERROR, "/", Packet.NO_ACK, data)))
                .isEqualTo("44{\"message\":\"no\",\"data\":\"AQI=\"}");
    }

    @Test
    void aDecodedBinaryPacketEncodesAsItCame() {
        ArrayNode data = MAPPER.createArrayNode().add(BinaryNode.valueOf(new byte[] {1}));
        List<Frame> frames = encoder.encode(new Packet(PacketType.BINARY_ACK, "/", 4, data));
        try {
            assertThat(text(frames.get(0))).isEqualTo("461-4[" + P0 + "]");
            assertThat(frames).hasSize(2);
        } finally {
            frames.forEach(Frame::release);
        }
        assertThat(encodeText(new Packet(PacketType.BINARY_EVENT, "/", Packet.NO_ACK, json("[\"no bytes left\"]"))))
                .isEqualTo("42[\"no bytes left\"]");
    }

    @Test
    void controlCharactersAreEscapedSoPollingFramingHolds() {
        String text = encodeText(Packet.event("/", MAPPER.createArrayNode().add("e").add("a\u001eb\u0000")));
        assertThat(text).doesNotContain("\u001e").isEqualTo("42[\"e\",\"a\\u001Eb\\u0000\"]");
    }

    @Test
    void unicodeSurvivesTheWire() throws Exception {
        ArrayNode data = MAPPER.createArrayNode().add("h\u00e9").add("\ud83d\ude00");
        String text = encodeText(Packet.event("/", data));
        assertThat(text).startsWith("42[\"h\u00e9\",");
        assertThat(MAPPER.readTree(text.substring(2))).isEqualTo(data);
    }

    private String encodeText(Packet packet) {
        List<Frame> frames = encoder.encode(packet);
        try {
            assertThat(frames).hasSize(1);
            return text(frames.get(0));
        } finally {
            frames.forEach(Frame::release);
        }
    }

    private static String text(Frame frame) {
        return frame.content().toString(StandardCharsets.UTF_8);
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
