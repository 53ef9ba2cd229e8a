package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.engine.eio.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Encodes Socket.IO packets into Engine.IO frames: one text frame, then one binary frame per attachment. Binary
 * nodes in the payload become placeholders and the packet type its binary twin, as the reference encoder does.
 */
final class PacketEncoder {
    private final ObjectMapper mapper;
    private final ByteBufAllocator alloc;

    PacketEncoder(ObjectMapper mapper, ByteBufAllocator alloc) {
        this.mapper = mapper;
        this.alloc = alloc;
    }

    /** @return the frames of the packet; the caller owns them */
    List<Frame> encode(Packet packet) {
        if (packet.json() != null) {
            return List.of(Frame.text(encodedEvent(packet)));
        }
        List<byte[]> attachments = new ArrayList<>(0);
        JsonNode data = packet.data();
        // The binary types follow from the data alone (a decoded packet may come back here as it was). Only events
        // and acks have binary twins; other packets are plain JSON, their bytes written as base64 text.
        PacketType type = switch (packet.type()) {
            case BINARY_EVENT -> PacketType.EVENT;
            case BINARY_ACK -> PacketType.ACK;
            default -> packet.type();
        };
        if (data != null && (type == PacketType.EVENT || type == PacketType.ACK) && Packet.hasBinary(data)) {
            data = extractBinary(data, attachments);
            type = type == PacketType.ACK ? PacketType.BINARY_ACK : PacketType.BINARY_EVENT;
        }
        ByteBuf buf = alloc.buffer(64);
        try {
            buf.writeByte('4');
            buf.writeByte(type.digit());
            if (!attachments.isEmpty()) {
                buf.writeCharSequence(Integer.toString(attachments.size()), StandardCharsets.US_ASCII);
                buf.writeByte('-');
            }
            if (!"/".equals(packet.nsp())) {
                buf.writeCharSequence(packet.nsp(), StandardCharsets.UTF_8);
                buf.writeByte(',');
            }
            if (packet.hasAck()) {
                buf.writeCharSequence(Long.toString(packet.ackId()), StandardCharsets.US_ASCII);
            }
            if (data != null) {
                mapper.writeValue((java.io.OutputStream) new ByteBufOutputStream(buf), data);
            }
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException("cannot encode packet", e);
        }
        List<Frame> frames = new ArrayList<>(1 + attachments.size());
        frames.add(Frame.text(buf));
        for (byte[] attachment : attachments) {
            frames.add(Frame.binary(Unpooled.wrappedBuffer(attachment)));
        }
        return frames;
    }

    /** An event that holds its arguments as JSON text, which has no binary: one frame, the text as it is. */
    private ByteBuf encodedEvent(Packet packet) {
        String json = packet.json();
        ByteBuf buf = alloc.buffer(3 + packet.nsp().length() + json.length());
        buf.writeByte('4');
        buf.writeByte(PacketType.EVENT.digit());
        if (!"/".equals(packet.nsp())) {
            buf.writeCharSequence(packet.nsp(), StandardCharsets.UTF_8);
            buf.writeByte(',');
        }
        buf.writeCharSequence(json, StandardCharsets.UTF_8);
        return buf;
    }

    /** A copy of {@code node} with every binary node replaced by a placeholder; the bytes go to {@code out}. */
    private static JsonNode extractBinary(JsonNode node, List<byte[]> out) {
        if (node.isBinary()) {
            ObjectNode placeholder = JsonNodeFactory.instance.objectNode();
            placeholder.put("_placeholder", true);
            placeholder.put("num", out.size());
            try {
                out.add(node.binaryValue());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return placeholder;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(child -> copy.add(extractBinary(child, out)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                copy.set(field.getKey(), extractBinary(field.getValue(), out));
            }
            return copy;
        }
        return node;
    }
}
