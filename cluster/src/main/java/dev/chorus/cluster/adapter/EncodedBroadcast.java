package dev.chorus.cluster.adapter;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.Packet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A durable event broadcast of the cluster stream as its sockets get it: its name, its arguments as the JSON text
 * the entry holds them in with the entry's offset added last (as recovery wants), and whom it is for. Every node
 * delivers every entry; building each event into a tree only to write it out again cost a tenth of a node's CPU,
 * so the arguments are cut out of the entry's text, checked by a streaming parser on the way.
 */
record EncodedBroadcast(String event, String json, BroadcastOptions options) {
    Packet packet(String nsp) {
        return Packet.encodedEvent(nsp, event, json);
    }

    /**
     * @param data an entry's {@code data} field
     * @return null when the data holds anything else (binary, an ack, a volatile broadcast, no event name) or is no
     *     JSON at all: the tree's to handle
     */
    static EncodedBroadcast read(String data, String offset) {
        if (!data.startsWith("{")) {
            return null;
        }
        try (JsonParser json = ClusterCodec.JSON.createParser(data)) {
            json.nextToken();
            PacketFields packet = null;
            BroadcastOptions options = null;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if (field.equals("opts") && value == JsonToken.START_OBJECT) {
                    options = readOptions(json);
                } else if (field.equals("packet") && value == JsonToken.START_OBJECT) {
                    packet = PacketFields.read(json);
                } else {
                    json.skipChildren();
                }
            }
            if (packet == null || !packet.isPlainEvent() || options == null || options.isVolatile()
                    || json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
                return null;
            }
            // Sized exactly (the span stops before its ']'; four characters go around the offset): no array grown.
            String arguments = new StringBuilder(packet.end() - packet.start() + offset.length() + 4)
                    .append(data, packet.start(), packet.end()).append(",\"").append(offset).append("\"]")
                    .toString();
            return new EncodedBroadcast(packet.event(), arguments, options);
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads the {@code opts} object the parser is at the start of, as {@link ClusterCodec#readOptions} does. */
    private static BroadcastOptions readOptions(JsonParser json) throws IOException {
        Set<String> rooms = Set.of();
        Set<String> except = Set.of();
        boolean isVolatile = false;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            if (value == JsonToken.START_ARRAY && field.equals("rooms")) {
                rooms = strings(json);
            } else if (value == JsonToken.START_ARRAY && field.equals("except")) {
                except = strings(json);
            } else if (value == JsonToken.START_OBJECT && field.equals("flags")) {
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    isVolatile |= json.currentName().equals("volatile");
                    json.nextToken();
                    json.skipChildren();
                }
            } else {
                json.skipChildren();
            }
        }
        return new BroadcastOptions(rooms, except, isVolatile, false);
    }

    private static Set<String> strings(JsonParser json) throws IOException {
        List<String> values = new ArrayList<>(2);
        for (JsonToken value = json.nextToken(); value != JsonToken.END_ARRAY; value = json.nextToken()) {
            if (value == null) {
                throw new JsonParseException(json, "the entry ends inside an array");
            }
            String name = json.getValueAsString();
            if (name != null) {
                values.add(name);
            }
            json.skipChildren();
        }
        return Set.copyOf(values);
    }

    /** What a packet object says, its arguments as the span of the text from their {@code [} to their {@code ]}. */
    private record PacketFields(int type, boolean acked, String event, int start, int end) {
        boolean isPlainEvent() {
            return type == ClusterCodec.EVENT && !acked && event != null && end > start;
        }

        /** Reads the object the parser is at the start of, up to its end. */
        static PacketFields read(JsonParser json) throws IOException {
            int type = -1;
            boolean acked = false;
            String event = null;
            int start = -1;
            int end = -1;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if (field.equals("type") && value == JsonToken.VALUE_NUMBER_INT) {
                    type = json.getIntValue();
                } else if (field.equals("id")) {
                    acked = true;
                    json.skipChildren();
                } else if (field.equals("data") && value == JsonToken.START_ARRAY) {
                    start = (int) json.currentTokenLocation().getCharOffset();
                    JsonToken argument = json.nextToken();
                    if (argument == JsonToken.VALUE_STRING) {
                        event = json.getText();
                    }
                    while (argument != JsonToken.END_ARRAY) {
                        if (argument == null) {
                            return new PacketFields(type, acked, null, start, end);
                        }
                        json.skipChildren();
                        argument = json.nextToken();
                    }
                    end = (int) json.currentTokenLocation().getCharOffset();
                } else {
                    json.skipChildren();
                }
            }
            return new PacketFields(type, acked, event, start, end);
        }
    }
}
