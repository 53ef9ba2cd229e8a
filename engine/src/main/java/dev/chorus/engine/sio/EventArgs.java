package dev.chorus.engine.sio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The arguments of an event or an acknowledgement, readable as JSON trees or as typed values. */
public final class EventArgs {
    private final ArrayNode args;
    private final int first;
    private final ObjectMapper mapper;

    EventArgs(ArrayNode args, int first, ObjectMapper mapper) {
        this.args = args;
        this.first = first;
        this.mapper = mapper;
    }

    public int size() {
        return args.size() - first;
    }

    /** @return the argument, or a missing node when there are fewer arguments */
    public JsonNode get(int index) {
        return args.path(first + index);
    }

    /**
     * Converts one argument to {@code type}.
     *
     * @throws IllegalArgumentException when the argument does not fit the type
     */
    public <T> T get(int index, Class<T> type) {
        JsonNode node = get(index);
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("no argument " + index);
        }
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("argument " + index + " is not a " + type.getSimpleName(), e);
        }
    }

    /** @return the bytes of a binary argument */
    public byte[] bytes(int index) {
        try {
            return get(index).binaryValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The arguments as one JSON array, to send them on unchanged. */
    public ArrayNode toArray() {
        ArrayNode copy = mapper.createArrayNode();
        for (int i = first; i < args.size(); i++) {
            copy.add(args.get(i));
        }
        return copy;
    }

    /** The arguments as values to pass to {@code emit} or {@code Ack.send} unchanged. */
    public Object[] toObjects() {
        Object[] values = new Object[size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = args.get(first + i);
        }
        return values;
    }

    @Override
    public String toString() {
        return toArray().toString();
    }
}
