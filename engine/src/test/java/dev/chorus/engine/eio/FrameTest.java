package dev.chorus.engine.eio;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameTest {
    /** Every length form of RFC 6455: 7 bits, 16 bits, 64 bits; read back by a client's decoder. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 124, 125, 126, 65_534, 65_535, 65_536, 70_000})
    void aFramedBroadcastIsTheWebSocketFrameAClientReads(int length) {
        String text = "4" + "x".repeat(Math.max(0, length - 1));
        Frame framed = Frame.message(text.substring(1)).withWebSocketFraming();
        assertThat(framed.content().toString(StandardCharsets.UTF_8)).as("polling still reads the packet")
                .isEqualTo(text);

        WebSocketFrame read = readAsClient(framed.webSocketBytes().retainedDuplicate());
        assertThat(read).isInstanceOf(TextWebSocketFrame.class);
        assertThat(read.isFinalFragment()).isTrue();
        assertThat(((TextWebSocketFrame) read).text()).isEqualTo(text);
        read.release();
        framed.release();
        assertThat(framed.webSocketBytes().refCnt()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 200})
    void binaryFramesKeepTheirOpcodeAndDuplicatesShareTheBytes(int length) {
        byte[] bytes = new byte[length];
        bytes[length - 1] = 7;
        Frame framed = Frame.message(bytes).withWebSocketFraming();
        Frame forAnother = framed.retainedDuplicate();
        framed.release();

        WebSocketFrame read = readAsClient(forAnother.webSocketBytes());
        assertThat(read).isInstanceOf(BinaryWebSocketFrame.class);
        assertThat(read.content().readableBytes()).isEqualTo(length);
        assertThat(read.content().getByte(length - 1)).isEqualTo((byte) 7);
        read.release();
    }

    private static WebSocketFrame readAsClient(ByteBuf wire) {
        // A client accepts unmasked frames from the server; large ones too.
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
        assertThat(client.writeInbound(Unpooled.wrappedBuffer(wire))).isTrue();
        WebSocketFrame frame = client.readInbound();
        client.finishAndReleaseAll();
        return frame;
    }
}
