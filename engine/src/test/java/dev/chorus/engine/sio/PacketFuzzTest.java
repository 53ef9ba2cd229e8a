package dev.chorus.engine.sio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.chorus.engine.eio.Frame;
import dev.chorus.engine.eio.ProtocolException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * Hostile text and attachments into the stateful Socket.IO decoder, which must answer with a packet, a wait for
 * attachments, or a ProtocolException, nothing else; and every packet the encoder writes decodes back to itself.
 */
class PacketFuzzTest {
    private static final ObjectMapper MAPPER = SocketIoOptions.defaultMapper();
    private static final Set<String> RESERVED =
            Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    private final PacketEncoder encoder = new PacketEncoder(MAPPER, ByteBufAllocator.DEFAULT);

    @Property(tries = 1000)
    void hostileInputDecodesOrIsRefused(@ForAll("hostile") String text,
            @ForAll @Size(max = 4) List<byte[]> attachments) {
        PacketDecoder decoder = new PacketDecoder(MAPPER, PacketDecoder.DEFAULT_MAX_ATTACHMENTS);
        try {
            Packet packet = decoder.decode(text);
            if (packet != null) {
                assertWellFormed(packet);
            }
            for (byte[] attachment : attachments) {
                packet = decoder.decodeBinary(attachment);
                if (packet != null) {
                    assertWellFormed(packet);
                }
            }
        } catch (ProtocolException refused) {
            // the only way to say no
        }
    }

    /** Fewer tries: at PARANOID every buffer operation records a stack trace, and this one writes a lot. */
    @Property(tries = 500)
    void whatTheEncoderWritesDecodesToTheSamePacket(@ForAll("packets") Packet packet) {
        List<Frame> frames = encoder.encode(packet);
        Packet decoded;
        try {
            String text = frames.get(0).content().toString(StandardCharsets.UTF_8);
            assertThat(text).startsWith("4").doesNotContain("\u001e");
            PacketDecoder decoder = new PacketDecoder(MAPPER, PacketDecoder.DEFAULT_MAX_ATTACHMENTS);
            decoded = decoder.decode(text.substring(1));
            for (Frame attachment : frames.subList(1, frames.size())) {
                assertThat(decoded).as("complete before its last attachment").isNull();
                assertThat(attachment.isBinary()).isTrue();
                decoded = decoder.decodeBinary(ByteBufUtil.getBytes(attachment.content()));
            }
        } finally {
            frames.forEach(Frame::release);
        }
        boolean binary = frames.size() > 1;
        PacketType expectedType = !binary ? packet.type()
                : packet.type() == PacketType.ACK ? PacketType.BINARY_ACK : PacketType.BINARY_EVENT;
        assertThat(decoded).isEqualTo(new Packet(expectedType, packet.nsp(), packet.ackId(), packet.data()));
    }

    private static void assertWellFormed(Packet packet) {
        assertThat(packet.nsp()).startsWith("/");
        assertThat(packet.type()).isNotNull();
        if (packet.type() != PacketType.DISCONNECT && packet.type() != PacketType.CONNECT) {
            assertThat(packet.data()).isNotNull();
        }
    }

    // ---- hostile text: protocol-shaped pieces in random order, and plain noise ----

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("0", "1", "2", "3", "4", "5", "6", "7", "9", "-", "1-", "2-", "10-", "11-", "-1-",
                        "/", "/admin", "/admin,", ",", "456", "99999999999999999999", "[", "]", "{", "}", ":",
                        "\"a\"", "\"connect\"", "\"_placeholder\"", "true", "null", "1.5", "-0", "1e400",
                        "{\"_placeholder\":true,\"num\":0}", "{\"_placeholder\":true,\"num\":1}",
                        "{\"_placeholder\":true,\"num\":-1}", "{\"_placeholder\":true,\"num\":\"0\"}",
                        "{\"_placeholder\":true}", "\\", "\\u", "\"\\ud800\"", " ", "\u0000", "\u001e"),
                Arbitraries.strings().all().ofMaxLength(6));
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(30),
                piece.list().ofMinSize(1).ofMaxSize(14).map(pieces -> String.join("", pieces)),
                Combinators.combine(Arbitraries.of("2", "3456", "51-", "0"), Arbitraries.integers().between(1, 3000),
                        Arbitraries.of("[", "{\"a\":"))
                        .as((head, depth, open) -> head + open.repeat(depth)));
    }

    // ---- well-formed packets, as the server builds them ----

    @Provide
    Arbitrary<Packet> packets() {
        Arbitrary<String> nsp = Arbitraries.oneOf(Arbitraries.just("/"),
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars("-_/\u00e9\u4e2d")
                        .ofMinLength(1).ofMaxLength(10).map("/"::concat));
        Arbitrary<Long> ackId = Arbitraries.longs().between(0, 999_999_999_999_999_999L);
        Arbitrary<ArrayNode> eventData = Combinators.combine(eventName(), json(true).list().ofMaxSize(4))
                .as((name, args) -> {
                    ArrayNode array = JsonNodeFactory.instance.arrayNode().add(name);
                    args.forEach(array::add);
                    return array;
                });
        Arbitrary<ArrayNode> ackData = json(true).list().ofMaxSize(4).map(args -> {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            args.forEach(array::add);
            return array;
        });
        Arbitrary<ObjectNode> connectData = object(json(false));
        Arbitrary<ObjectNode> connectErrorData = Combinators.combine(text(), json(false).injectNull(0.5))
                .as((message, data) -> {
                    ObjectNode error = JsonNodeFactory.instance.objectNode().put("message", message);
                    return data == null ? error : error.set("data", data);
                });
        Arbitrary<Packet> any = Arbitraries.oneOf(
                Combinators.combine(nsp, connectData.injectNull(0.3))
                        .as((n, d) -> new Packet(PacketType.CONNECT, n, Packet.NO_ACK, d)),
                nsp.map(n -> new Packet(PacketType.DISCONNECT, n, Packet.NO_ACK, null)),
                Combinators.combine(nsp, ackId.injectNull(0.5), eventData)
                        .as((n, id, d) -> new Packet(PacketType.EVENT, n, id == null ? Packet.NO_ACK : id, d)),
                Combinators.combine(nsp, ackId, ackData).as((n, id, d) -> new Packet(PacketType.ACK, n, id, d)),
                Combinators.combine(nsp, connectErrorData)
                        .as((n, d) -> new Packet(PacketType.CONNECT_ERROR, n, Packet.NO_ACK, d)));
        // The parsers at both ends refuse more attachments than that (maxAttachments), whoever sends them.
        return any.filter(packet -> packet.data() == null
                || binaryCount(packet.data()) <= PacketDecoder.DEFAULT_MAX_ATTACHMENTS);
    }

    private static int binaryCount(JsonNode node) {
        int count = node.isBinary() ? 1 : 0;
        for (JsonNode child : node) {
            count += binaryCount(child);
        }
        return count;
    }

    private Arbitrary<JsonNode> eventName() {
        return Arbitraries.oneOf(
                text().filter(name -> !RESERVED.contains(name)).map(TextNode::valueOf),
                Arbitraries.of("connect", "disconnect").map(name -> TextNode.valueOf(name + "ed")),
                Arbitraries.integers().map(IntNode::valueOf));
    }

    /** Any JSON value, binary nodes included when {@code binary}, a few levels deep. */
    private Arbitrary<JsonNode> json(boolean binary) {
        return Arbitraries.recursive(() -> leaf(binary),
                inner -> Arbitraries.oneOf(leaf(binary), array(inner), object(inner)), 0, 2);
    }

    private Arbitrary<JsonNode> leaf(boolean binary) {
        Arbitrary<JsonNode> plain = Arbitraries.oneOf(
                text().map(TextNode::valueOf),
                Arbitraries.integers().map(IntNode::valueOf),
                // Outside the int range, where the parser gives back a long.
                Arbitraries.longs().greaterOrEqual((long) Integer.MAX_VALUE + 1).map(LongNode::valueOf),
                Arbitraries.doubles().filter(Double::isFinite).map(DoubleNode::valueOf),
                Arbitraries.of(BooleanNode.TRUE, BooleanNode.FALSE, NullNode.instance));
        if (!binary) {
            return plain;
        }
        return Arbitraries.frequencyOf(
                Tuple.of(4, plain),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(BinaryNode::valueOf)));
    }

    private static Arbitrary<JsonNode> array(Arbitrary<JsonNode> elements) {
        return elements.list().ofMaxSize(3).map(list -> {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            list.forEach(array::add);
            return array;
        });
    }

    private static Arbitrary<ObjectNode> object(Arbitrary<JsonNode> values) {
        // "_placeholder" is the one key that cannot travel as itself: the wire has no escape for it.
        return Arbitraries.maps(text().filter(key -> !key.equals("_placeholder")), values).ofMaxSize(3).map(map -> {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            map.forEach(object::set);
            return object;
        });
    }

    private static Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars("\u0000\u001e\n\"\\\u00e9\u4e2d")
                .ofMaxLength(12);
    }
}
