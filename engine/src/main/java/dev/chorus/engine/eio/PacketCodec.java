package dev.chorus.engine.eio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.base64.Base64;
import java.util.ArrayList;
import java.util.Base64.Decoder;
import java.util.List;
import java.util.regex.Pattern;

/** Engine.IO 4 packet and polling payload encoding: packets joined by the record separator, binary as b+base64. */
final class PacketCodec {
    static final char RECORD_SEPARATOR = '\u001e';
    private static final Decoder BASE64 = java.util.Base64.getDecoder();
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private PacketCodec() {
    }

    static InboundPacket decodeText(String packet) {
        if (packet.isEmpty()) {
            throw new ProtocolException("empty packet");
        }
        PacketType type = PacketType.fromDigit(packet.charAt(0));
        if (type == null) {
            throw new ProtocolException("unknown packet type");
        }
        return InboundPacket.text(type, packet.substring(1));
    }

    static List<InboundPacket> decodePayload(String payload) {
        List<InboundPacket> packets = new ArrayList<>(2);
        int start = 0;
        while (start <= payload.length()) {
            int end = payload.indexOf(RECORD_SEPARATOR, start);
            if (end < 0) {
                end = payload.length();
            }
            String part = payload.substring(start, end);
            if (!part.isEmpty() && part.charAt(0) == 'b') {
                packets.add(InboundPacket.binary(decodeBase64(part.substring(1))));
            } else {
                packets.add(decodeText(part));
            }
            start = end + 1;
        }
        return packets;
    }

    /**
     * White space is skipped, as the reference server's {@code Buffer.from(data, "base64")} does: the Java client
     * (io.socket:engine.io-client 2.x) ends its base64 with a line break. Anything else outside the alphabet is an
     * error.
     */
    private static byte[] decodeBase64(String data) {
        try {
            return BASE64.decode(WHITESPACE.matcher(data).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("bad base64 in binary packet");
        }
    }

    /** Joins frames into one polling response body. Takes ownership of every frame. */
    static ByteBuf encodePayload(List<Frame> frames, ByteBufAllocator alloc) {
        int size = frames.size();
        int capacity = size;
        for (Frame frame : frames) {
            int bytes = frame.content().readableBytes();
            capacity += frame.isBinary() ? 1 + (bytes + 2) / 3 * 4 : bytes;
        }
        ByteBuf out = alloc.buffer(capacity);
        try {
            for (int i = 0; i < size; i++) {
                if (i > 0) {
                    out.writeByte(RECORD_SEPARATOR);
                }
                Frame frame = frames.get(i);
                ByteBuf content = frame.content();
                if (frame.isBinary()) {
                    out.writeByte('b');
                    ByteBuf encoded = Base64.encode(content, content.readerIndex(), content.readableBytes(), false);
                    out.writeBytes(encoded);
                    encoded.release();
                } else {
                    out.writeBytes(content, content.readerIndex(), content.readableBytes());
                }
            }
        } finally {
            frames.forEach(Frame::release);
        }
        return out;
    }
}
