package dev.chorus.cluster.redis;

import io.lettuce.core.codec.StringCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Lettuce's UTF-8 codec, reading Redis's answers into strings without first wrapping each in a Netty buffer of its
 * own (two objects a string): a stream entry is half a dozen strings, and every node reads every entry of the
 * cluster stream. Writing is Lettuce's.
 */
final class Utf8Strings extends StringCodec {
    static final Utf8Strings INSTANCE = new Utf8Strings();
    /** Answers up to this long are copied out of Netty's direct memory through one array per thread. */
    private static final int SCRATCH_BYTES = 4096;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

    private Utf8Strings() {
        super(StandardCharsets.UTF_8);
    }

    @Override
    public String decodeKey(ByteBuffer bytes) {
        return decode(bytes);
    }

    @Override
    public String decodeValue(ByteBuffer bytes) {
        return decode(bytes);
    }

    /** The buffer's remaining bytes as UTF-8; its position stays where it was. */
    static String decode(ByteBuffer bytes) {
        int length = bytes.remaining();
        if (bytes.hasArray()) {
            return new String(bytes.array(), bytes.arrayOffset() + bytes.position(), length, StandardCharsets.UTF_8);
        }
        byte[] copy = length <= SCRATCH_BYTES ? SCRATCH.get() : new byte[length];
        bytes.get(bytes.position(), copy, 0, length);
        return new String(copy, 0, length, StandardCharsets.UTF_8);
    }
}
