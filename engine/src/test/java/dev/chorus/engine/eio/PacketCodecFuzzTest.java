package dev.chorus.engine.eio;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Hostile polling bodies and WebSocket text into the Engine.IO codec, and the codec's own output back out of it. */
class PacketCodecFuzzTest {
    private static final String RS = "\u001e";

    @Property(tries = 1000)
    void aPayloadDecodesIntoPacketsOrIsRefused(@ForAll("payloads") String payload) {
        List<InboundPacket> packets;
        try {
            packets = PacketCodec.decodePayload(payload);
        } catch (ProtocolException refused) {
            return;
        }
        assertThat(packets).hasSize(payload.split(RS, -1).length);
        assertThat(packets).allSatisfy(packet -> {
            assertThat(packet.type()).isNotNull();
            assertThat(packet.isBinary() ? packet.binary() : packet.text()).isNotNull();
        });
    }

    @Property(tries = 1000)
    void aTextPacketDecodesOrIsRefused(@ForAll("packets") String text) {
        try {
            InboundPacket packet = PacketCodec.decodeText(text);
            assertThat(packet.type().digit()).isEqualTo(text.charAt(0));
            assertThat(packet.text()).isEqualTo(text.substring(1));
        } catch (ProtocolException refused) {
            assertThat(text.isEmpty() || PacketType.fromDigit(text.charAt(0)) == null).isTrue();
        }
    }

    @Property(tries = 1000)
    void whatThePollingEncoderWritesDecodesToTheSamePackets(@ForAll("outbound") List<Outbound> packets) {
        List<Frame> frames = new ArrayList<>();
        for (Outbound packet : packets) {
            frames.add(packet.frame());
        }
        ByteBuf body = PacketCodec.encodePayload(frames, ByteBufAllocator.DEFAULT);
        String text;
        try {
            text = body.toString(StandardCharsets.UTF_8);
        } finally {
            body.release();
        }
        List<InboundPacket> decoded = PacketCodec.decodePayload(text);
        assertThat(decoded).hasSameSizeAs(packets);
        for (int i = 0; i < packets.size(); i++) {
            Outbound sent = packets.get(i);
            InboundPacket got = decoded.get(i);
            if (sent.binary() != null) {
                assertThat(got.binary()).isEqualTo(sent.binary());
            } else {
                assertThat(got.type()).isEqualTo(sent.type());
                assertThat(got.text()).isEqualTo(sent.text());
            }
        }
    }

    /** A packet the server sends: a text packet of some type, or a binary message. */
    record Outbound(PacketType type, String text, byte[] binary) {
        Frame frame() {
            if (binary != null) {
                return Frame.binary(ByteBufAllocator.DEFAULT.buffer(binary.length).writeBytes(binary));
            }
            ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
            buf.writeByte(type.digit());
            buf.writeCharSequence(text, StandardCharsets.UTF_8);
            return Frame.text(buf);
        }
    }

    @Provide
    Arbitrary<List<Outbound>> outbound() {
        Arbitrary<Outbound> text = Combinators.combine(Arbitraries.of(PacketType.class), unicodeText())
                .as((type, data) -> new Outbound(type, data, null));
        Arbitrary<Outbound> binary = Arbitraries.bytes().array(byte[].class).ofMaxSize(300)
                .map(bytes -> new Outbound(null, null, bytes));
        return Arbitraries.oneOf(text, binary).list().ofMinSize(1).ofMaxSize(8);
    }

    /** Any text a message may hold on polling: every code point but lone surrogates and the record separator. */
    static Arbitrary<String> unicodeText() {
        return Arbitraries.integers().between(0, Character.MAX_CODE_POINT)
                .filter(cp -> cp != 0x1e && (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE))
                .list().ofMaxSize(40)
                .map(cps -> {
                    StringBuilder sb = new StringBuilder();
                    cps.forEach(sb::appendCodePoint);
                    return sb.toString();
                });
    }

    @Provide
    Arbitrary<String> packets() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(20),
                Combinators.combine(Arbitraries.strings().withChars("0123456789bx\u001e ").ofLength(1),
                        Arbitraries.strings().all().ofMaxLength(20)).as(String::concat));
    }

    @Provide
    Arbitrary<String> payloads() {
        Arbitrary<String> part = Arbitraries.oneOf(
                packets(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(b -> "b" + Base64.getEncoder().encodeToString(b)),
                Arbitraries.strings().withChars("ABCabc019+/=-_ \n!").ofMaxLength(12).map("b"::concat));
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                part.list().ofMinSize(1).ofMaxSize(6).map(parts -> String.join(RS, parts)));
    }
}
