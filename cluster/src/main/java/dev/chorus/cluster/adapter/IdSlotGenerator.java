package dev.chorus.cluster.adapter;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;

/**
 * Writes a stored broadcast's payload straight from the object, leaving out the value of its {@code id} property and
 * noting where it goes: the message's id is given later, by the script that stores it. The payload is serialized as
 * it is, in one pass, without a tree of it first (every message of the cluster goes through here).
 */
final class IdSlotGenerator extends JsonGeneratorDelegate {
    private final StringWriter out;
    private int payloadDepth = -1;
    private boolean idNext;
    private int slot = -1;

    IdSlotGenerator(JsonGenerator generator, StringWriter out) {
        super(generator, false);
        this.out = out;
    }

    /** Writes the payload, an object with an {@code id} property and no binary, as the next value. */
    void writePayload(ObjectMapper json, Object payload) throws IOException {
        payloadDepth = getOutputContext().getNestingDepth() + 1;
        json.writeValue(this, payload);
        payloadDepth = -1;
        if (slot < 0) {
            throw new IllegalArgumentException("a stored broadcast's payload is an object with an id");
        }
    }

    /** Where the payload's id goes in what was written, once {@link #flush flushed}. */
    int slot() {
        return slot;
    }

    @Override
    public void writeFieldName(String name) throws IOException {
        super.writeFieldName(name);
        noteId(name);
    }

    @Override
    public void writeFieldName(SerializableString name) throws IOException {
        super.writeFieldName(name);
        noteId(name.getValue());
    }

    private void noteId(String name) {
        idNext = slot < 0 && name.equals("id") && getOutputContext().getNestingDepth() == payloadDepth;
    }

    @Override
    public void writeNumber(long value) throws IOException {
        if (!leaveSlot()) {
            super.writeNumber(value);
        }
    }

    @Override
    public void writeNumber(int value) throws IOException {
        if (!leaveSlot()) {
            super.writeNumber(value);
        }
    }

    private boolean leaveSlot() throws IOException {
        if (!idNext) {
            return false;
        }
        idNext = false;
        super.writeRawValue("");
        super.flush();
        slot = out.getBuffer().length();
        return true;
    }

    @Override
    public void writeBinary(Base64Variant variant, byte[] data, int offset, int length) throws IOException {
        throw binary();
    }

    @Override
    public int writeBinary(Base64Variant variant, InputStream data, int length) throws IOException {
        throw binary();
    }

    private static IllegalArgumentException binary() {
        return new IllegalArgumentException("a stored broadcast's payload has no binary: the stream's entries are text");
    }
}
