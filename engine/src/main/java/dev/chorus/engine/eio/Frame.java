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
 * recipient a {@link #retainedDuplicate()}.
 */
public final class Frame {
    private static final Frame PING = constant(PacketType.PING, "");
    private static final Frame PONG_PROBE = constant(PacketType.PONG, "probe");
    private static final Frame NOOP = constant(PacketType.NOOP, "");
    private static final Frame CLOSE = constant(PacketType.CLOSE, "");

    private final ByteBuf content;
    private final boolean binary;

    private Frame(ByteBuf content, boolean binary) {
        this.content = content;
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
        return new Frame(Unpooled.unreleasableBuffer(frame.content.asReadOnly()), false);
    }

    public ByteBuf content() {
        return content;
    }

    public boolean isBinary() {
        return binary;
    }

    /** A frame sharing this one's bytes, holding a reference of its own. */
    public Frame retainedDuplicate() {
        return new Frame(content.retainedDuplicate(), binary);
    }

    public void release() {
        content.release();
    }

    /** Constants are shared by every session; each use reads through indices of its own. */
    private Frame indexedView() {
        return new Frame(content.duplicate(), binary);
    }

    @Override
    public String toString() {
        return binary ? "binary(" + content.readableBytes() + " bytes)" : content.toString(StandardCharsets.UTF_8);
    }
}
