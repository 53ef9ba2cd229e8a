package dev.chorus.engine.eio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * One outbound Engine.IO packet in wire form. A text frame holds the UTF-8 bytes of the packet including its type
 * digit ({@code 4hello}); a binary frame holds the raw bytes of a binary message, which has no type digit.
 *
 * <p>A frame owns one reference to its content. Whoever takes the frame out of a queue passes that reference on
 * (to a WebSocket frame or a polling payload) or releases it. A broadcast encodes its frames once and hands every
 * recipient a {@link #retainedDuplicate()}; {@link #withWebSocketFraming()} also puts the WebSocket frame header
 * in front of the bytes once, so that every WebSocket recipient writes the very same buffer.
 */
public final class Frame {
    private static final Frame PING = constant(PacketType.PING, "");
    private static final Frame PONG_PROBE = constant(PacketType.PONG, "probe");
    private static final Frame NOOP = constant(PacketType.NOOP, "");
    private static final Frame CLOSE = constant(PacketType.CLOSE, "");

    /** The packet's bytes, behind a WebSocket frame header of {@code webSocketHeader} bytes when there is one. */
    private final ByteBuf buffer;
    private final int webSocketHeader;
    private final boolean binary;

    private Frame(ByteBuf buffer, boolean binary) {
        this(buffer, 0, binary);
    }

    private Frame(ByteBuf buffer, int webSocketHeader, boolean binary) {
        this.buffer = buffer;
        this.webSocketHeader = webSocketHeader;
        this.binary = binary;
    }

    /** Takes ownership of {@code content}, which must already start with the packet type digit. */
    public static Frame text(ByteBuf content) {
        return new Frame(content, false);
    }

    /** Takes ownership of {@code content}, the raw bytes of a binary message. */
    public static Frame binary(ByteBuf content) {
        return new Frame(content, true);
    }

    public static Frame message(String text) {
        return text(PacketType.MESSAGE, text);
    }

    public static Frame message(byte[] bytes) {
        return binary(Unpooled.wrappedBuffer(bytes));
    }

    static Frame text(PacketType type, String data) {
        ByteBuf buf = Unpooled.buffer(1 + ByteBufUtil.utf8MaxBytes(data));
        buf.writeByte(type.digit());
        buf.writeCharSequence(data, StandardCharsets.UTF_8);
        return new Frame(buf, false);
    }

    static Frame ping() {
        return PING.indexedView();
    }

    static Frame probeAnswer() {
        return PONG_PROBE.indexedView();
    }

    static Frame noop() {
        return NOOP.indexedView();
    }

    static Frame close() {
        return CLOSE.indexedView();
    }

    private static Frame constant(PacketType type, String data) {
        Frame frame = text(type, data);
        return new Frame(Unpooled.unreleasableBuffer(frame.buffer.asReadOnly()), false);
    }

    /** The packet's bytes; the frame's reference covers them (a view, when a WebSocket header is in front). */
    public ByteBuf content() {
        return webSocketHeader == 0 ? buffer
                : buffer.slice(buffer.readerIndex() + webSocketHeader, buffer.readableBytes() - webSocketHeader);
    }

    /**
     * This frame with an unmasked WebSocket frame header (RFC 6455 §5.2) in front of its bytes, as a server sends
     * it; takes ownership of this frame. Costs one copy of the bytes, worth it for a frame many recipients get.
     */
    public Frame withWebSocketFraming() {
        if (webSocketHeader > 0) {
            return this;
        }
        int length = buffer.readableBytes();
        int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
        ByteBuf framed = buffer.alloc().directBuffer(header + length);
        framed.writeByte(binary ? 0x82 : 0x81);
        if (length < 126) {
            framed.writeByte(length);
        } else if (length < 65536) {
            framed.writeByte(126).writeShort(length);
        } else {
            framed.writeByte(127).writeLong(length);
        }
        framed.writeBytes(buffer, buffer.readerIndex(), length);
        buffer.release();
        return new Frame(framed, header, binary);
    }

    /** Whether {@link #webSocketBytes()} is ready to be written as it is. */
    boolean isWebSocketFramed() {
        return webSocketHeader > 0;
    }

    /** The whole WebSocket frame, header and bytes; the frame's reference covers it. */
    ByteBuf webSocketBytes() {
        return buffer;
    }

    public boolean isBinary() {
        return binary;
    }

    /** The bytes it holds for its session until it is written. */
    int size() {
        return buffer.readableBytes();
    }

    /** A frame sharing this one's bytes, holding a reference of its own. */
    public Frame retainedDuplicate() {
        return new Frame(buffer.retainedDuplicate(), webSocketHeader, binary);
    }

    public void release() {
        buffer.release();
    }

    /** Constants are shared by every session; each use reads through indices of its own. */
    private Frame indexedView() {
        return new Frame(buffer.duplicate(), binary);
    }

    @Override
    public String toString() {
        ByteBuf content = content();
        return binary ? "binary(" + content.readableBytes() + " bytes)" : content.toString(StandardCharsets.UTF_8);
    }
}
