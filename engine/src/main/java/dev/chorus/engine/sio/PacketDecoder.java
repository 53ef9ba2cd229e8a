package dev.chorus.engine.sio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.engine.eio.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the packets of one client, with the reference parser's validation. Stateful: a BINARY_EVENT or BINARY_ACK
 * waits for its attachments, which arrive as the next binary messages. Not thread-safe; one per connection.
 */
final class PacketDecoder {
    static final int DEFAULT_MAX_ATTACHMENTS = 10;
    private static final Set<String> RESERVED_EVENTS =
            Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    private final ObjectMapper mapper;
    private final int maxAttachments;
    private Packet awaiting;
    private int expectedAttachments;
    private final List<byte[]> attachments = new ArrayList<>();

    PacketDecoder(ObjectMapper mapper, int maxAttachments) {
        this.mapper = mapper;
        this.maxAttachments = maxAttachments;
    }

    /** @return the decoded packet, or null when it waits for binary attachments */
    Packet decode(String text) {
        if (awaiting != null) {
            throw new ProtocolException("got plaintext data when reconstructing a packet");
        }
        if (text.isEmpty()) {
            throw new ProtocolException("empty packet");
        }
        PacketType type = PacketType.fromDigit(text.charAt(0));
        if (type == null) {
            throw new ProtocolException("unknown packet type " + text.charAt(0));
        }
        int i = 1;
        int attachmentCount = 0;
        if (type.isBinary()) {
            int dash = text.indexOf('-', i);
            if (dash < 0) {
                throw new ProtocolException("illegal attachments");
            }
            attachmentCount = parseCount(text.substring(i, dash));
            i = dash + 1;
        }
        String nsp = "/";
        if (i < text.length() && text.charAt(i) == '/') {
            int comma = text.indexOf(',', i);
            int end = comma < 0 ? text.length() : comma;
            nsp = text.substring(i, end);
            i = comma < 0 ? end : end + 1;
        }
        long ackId = Packet.NO_ACK;
        int idStart = i;
        while (i < text.length() && isDigit(text.charAt(i)) && i - idStart < 18) {
            i++;
        }
        if (i > idStart) {
            ackId = Long.parseLong(text, idStart, i, 10);
        }
        JsonNode data = null;
        if (i < text.length()) {
            try {
                data = mapper.readTree(text.substring(i));
            } catch (JsonProcessingException e) {
                throw new ProtocolException("invalid payload");
            }
        }
        checkPayload(type, data);
        Packet packet = new Packet(type, nsp, ackId, data);
        if (attachmentCount > 0) {
            awaiting = packet;
            expectedAttachments = attachmentCount;
            return null;
        }
        return packet;
    }

    /** @return the reconstructed packet once its last attachment arrived, else null */
    Packet decodeBinary(byte[] bytes) {
        if (awaiting == null) {
            throw new ProtocolException("got binary data when not reconstructing a packet");
        }
        attachments.add(bytes);
        if (attachments.size() < expectedAttachments) {
            return null;
        }
        Packet packet = awaiting;
        JsonNode data = fillPlaceholders(packet.data(), attachments);
        awaiting = null;
        attachments.clear();
        return new Packet(packet.type(), packet.nsp(), packet.ackId(), data);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private int parseCount(String digits) {
        int count;
        try {
            count = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new ProtocolException("illegal attachments");
        }
        if (count < 0 || count > maxAttachments) {
            throw new ProtocolException("illegal attachments");
        }
        return count;
    }

    private static void checkPayload(PacketType type, JsonNode data) {
        boolean valid = switch (type) {
            case CONNECT -> data == null || data.isObject();
            case DISCONNECT -> data == null;
            case CONNECT_ERROR -> data != null && (data.isTextual() || data.isObject());
            case EVENT, BINARY_EVENT -> data != null && data.isArray() && !data.isEmpty() && validEventName(data.get(0));
            case ACK, BINARY_ACK -> data != null && data.isArray();
        };
        if (!valid) {
            throw new ProtocolException("invalid payload");
        }
    }

    private static boolean validEventName(JsonNode name) {
        return name.isNumber() || name.isTextual() && !RESERVED_EVENTS.contains(name.asText());
    }

    private JsonNode fillPlaceholders(JsonNode node, List<byte[]> parts) {
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, fillPlaceholders(array.get(i), parts));
            }
            return array;
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            // The reference parser's test: a literal true flag makes a placeholder, whatever else the object holds,
            // and then its num must name an attachment.
            if (object.path("_placeholder").booleanValue()) {
                return BinaryNode.valueOf(parts.get(attachmentIndex(object.get("num"), parts.size())));
            }
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                field.setValue(fillPlaceholders(field.getValue(), parts));
            }
        }
        return node;
    }

    private static int attachmentIndex(JsonNode num, int count) {
        if (num == null || !num.isNumber() || !num.canConvertToExactIntegral() || !num.canConvertToInt()
                || num.intValue() < 0 || num.intValue() >= count) {
            throw new ProtocolException("illegal attachment index");
        }
        return num.intValue();
    }
}
