package dev.chorus.engine.eio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketCodecTest {
    private static final String RS = "\u001e";
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    @Test
    void decodesTextPacketsByTheirTypeDigit() {
        assertThat(PacketCodec.decodeText("4hello")).isEqualTo(InboundPacket.text(PacketType.MESSAGE, "hello"));
        assertThat(PacketCodec.decodeText("2probe")).isEqualTo(InboundPacket.text(PacketType.PING, "probe"));
        assertThat(PacketCodec.decodeText("3")).isEqualTo(InboundPacket.text(PacketType.PONG, ""));
        assertThat(PacketCodec.decodeText("5")).isEqualTo(InboundPacket.text(PacketType.UPGRADE, ""));
        assertThat(PacketCodec.decodeText("6")).isEqualTo(InboundPacket.text(PacketType.NOOP, ""));
        assertThat(PacketCodec.decodeText("1")).isEqualTo(InboundPacket.text(PacketType.CLOSE, ""));
    }

    @Test
    void keepsTheMessageTextAsItCame() {
        String text = "4{\"a\":\"h\u00e9llo \ud83d\ude00\"}\u0000";
        assertThat(PacketCodec.decodeText(text).text()).isEqualTo(text.substring(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "7", "9hello", "a", "x4", "/", " 4hello", "b"})
    void refusesEmptyPacketsAndUnknownTypes(String packet) {
        assertThatThrownBy(() -> PacketCodec.decodeText(packet)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void splitsAPayloadOnTheRecordSeparator() {
        assertThat(PacketCodec.decodePayload("4hello" + RS + "2" + RS + "4world")).containsExactly(
                InboundPacket.text(PacketType.MESSAGE, "hello"),
                InboundPacket.text(PacketType.PING, ""),
                InboundPacket.text(PacketType.MESSAGE, "world"));
        assertThat(PacketCodec.decodePayload("1")).containsExactly(InboundPacket.text(PacketType.CLOSE, ""));
    }

    @Test
    void decodesBinaryPacketsFromBase64() {
        List<InboundPacket> packets = PacketCodec.decodePayload("4a" + RS + "bAQID" + RS + "b" + RS + "b/w==");
        assertThat(packets).hasSize(4);
        assertThat(packets.get(0).isBinary()).isFalse();
        assertThat(packets.get(1).isBinary()).isTrue();
        assertThat(packets.get(1).type()).isEqualTo(PacketType.MESSAGE);
        assertThat(packets.get(1).binary()).containsExactly(1, 2, 3);
        assertThat(packets.get(2).binary()).isEmpty();
        assertThat(packets.get(3).binary()).containsExactly(0xff);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bA!ID", "b====", "bAQID" + RS + "b%%", "bAQ\u00e9ID"})
    void refusesBadBase64(String payload) {
        assertThatThrownBy(() -> PacketCodec.decodePayload(payload))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("base64");
    }

    @Test
    void acceptsBase64WithLineBreaksAsTheJavaClientSendsIt() {
        List<InboundPacket> packets = PacketCodec.decodePayload("bAQID\n" + RS + "bBAU=\r\n" + RS + "bAQ ID");

        assertThat(packets).extracting(InboundPacket::binary)
                .containsExactly(new byte[] {1, 2, 3}, new byte[] {4, 5}, new byte[] {1, 2, 3});
    }

    @ParameterizedTest
    @ValueSource(strings = {"", RS, "4a" + RS, RS + "4a", "4a" + RS + RS + "4b", "4a" + RS + "8", "4a" + RS + "x"})
    void refusesEmptyPayloadsEmptyPartsAndUnknownTypes(String payload) {
        assertThatThrownBy(() -> PacketCodec.decodePayload(payload)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void joinsFramesWithTheRecordSeparatorAndBinaryAsBase64() {
        List<Frame> frames = new ArrayList<>(List.of(
                Frame.text(utf8("4hello")),
                Frame.binary(bytes(1, 2, 3)),
                Frame.ping(),
                Frame.binary(bytes()),
                Frame.message("h\u00e9 \ud83d\ude00")));
        List<Frame> sent = List.copyOf(frames);

        ByteBuf body = PacketCodec.encodePayload(frames, ALLOC);
        try {
            assertThat(body.toString(StandardCharsets.UTF_8))
                    .isEqualTo("4hello" + RS + "bAQID" + RS + "2" + RS + "b" + RS + "4h\u00e9 \ud83d\ude00");
        } finally {
            body.release();
        }
        // Ownership passed: every frame's reference is gone, and the shared constant still reads whole.
        assertThat(sent.get(0).content().refCnt()).isZero();
        assertThat(sent.get(1).content().refCnt()).isZero();
        assertThat(sent.get(3).content().refCnt()).isZero();
        assertThat(Frame.ping().toString()).isEqualTo("2");
    }

    @Test
    void encodesBinaryOfEverySizeAsPaddedBase64() {
        for (int size = 0; size < 70; size++) {
            byte[] data = new byte[size];
            for (int i = 0; i < size; i++) {
                data[i] = (byte) (i * 37 + size);
            }
            ByteBuf body = PacketCodec.encodePayload(new ArrayList<>(List.of(Frame.binary(bytes(data)))), ALLOC);
            try {
                String text = body.toString(StandardCharsets.US_ASCII);
                assertThat(text).isEqualTo("b" + java.util.Base64.getEncoder().encodeToString(data));
                assertThat(PacketCodec.decodePayload(text).get(0).binary()).isEqualTo(data);
            } finally {
                body.release();
            }
        }
    }

    @Test
    void encodesOneFrameWithoutSeparator() {
        ByteBuf body = PacketCodec.encodePayload(new ArrayList<>(List.of(Frame.noop())), ALLOC);
        try {
            assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo("6");
        } finally {
            body.release();
        }
    }

    @Test
    void sharedConstantFramesSurviveAnyNumberOfUses() {
        for (int i = 0; i < 3; i++) {
            ByteBuf body = PacketCodec.encodePayload(new ArrayList<>(List.of(Frame.close(), Frame.probeAnswer())), ALLOC);
            try {
                assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo("1" + RS + "3probe");
            } finally {
                body.release();
            }
        }
    }

    private static ByteBuf utf8(String text) {
        ByteBuf buf = ALLOC.buffer();
        buf.writeCharSequence(text, StandardCharsets.UTF_8);
        return buf;
    }

    private static ByteBuf bytes(int... values) {
        ByteBuf buf = ALLOC.buffer(values.length);
        for (int v : values) {
            buf.writeByte(v);
        }
        return buf;
    }

    private static ByteBuf bytes(byte[] data) {
        return ALLOC.buffer(data.length).writeBytes(data);
    }
}
