package dev.chorus.cluster.adapter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;

/**
 * An entry of the cluster stream as the script that appended it announces it on the stream's live channel: the
 * entry itself and the id of the one before it, so that a node can tell whether it has everything up to it. What a
 * node hears there costs Redis a write to each node in the step that appended the entry, where reading the stream
 * costs a blocking read per node per entry, each sent again once it returns.
 *
 * <p>The Lua that appends and announces is this class's too ({@link #appendLua}): the format has one home.
 */
record AnnouncedEntry(StreamId id, StreamId previous, Map<String, String> fields) {
    private static final int PARTS = 6;

    /**
     * The Lua statements that append an entry to the stream and announce it; they leave the entry's id in the local
     * {@code clusterEntry}.
     *
     * @param streamKey      the index in {@code KEYS} of the stream
     * @param firstArg       the index in {@code ARGV} of the stream's approximate maximum length, followed by the
     *                       entry's uid, nsp and type, and the live channel
     * @param dataExpression the Lua expression of the entry's data
     */
    static String appendLua(int streamKey, int firstArg, String dataExpression) {
        int a = firstArg;
        String stream = "KEYS[" + streamKey + "]";
        return "local clusterEntryData = " + dataExpression + "\n"
                + "local clusterEntry = redis.call('XADD', " + stream + ", 'MAXLEN', '~', ARGV[" + a + "], '*', 'uid', "
                + "ARGV[" + (a + 1) + "], 'nsp', ARGV[" + (a + 2) + "], 'type', ARGV[" + (a + 3)
                + "], 'data', clusterEntryData)\n"
                + "local clusterBefore = redis.call('XREVRANGE', " + stream
                + ", '(' .. clusterEntry, '-', 'COUNT', 1)[1]\n"
                + "redis.call('PUBLISH', ARGV[" + (a + 4) + "], cmsgpack.pack({clusterEntry, "
                + "clusterBefore and clusterBefore[1] or '0-0', ARGV[" + (a + 1) + "], ARGV[" + (a + 2) + "], ARGV["
                + (a + 3) + "], clusterEntryData}))\n";
    }

    /** @throws IOException when the message is not an announcement */
    static AnnouncedEntry read(byte[] message) throws IOException {
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(message)) {
            if (unpacker.unpackArrayHeader() != PARTS) {
                throw new IOException("not an announced entry");
            }
            StreamId id = StreamId.parse(string(unpacker, message));
            StreamId previous = StreamId.parse(string(unpacker, message));
            if (id == null || previous == null) {
                throw new IOException("an announced entry without its ids");
            }
            return new AnnouncedEntry(id, previous, Map.of("uid", string(unpacker, message), "nsp",
                    string(unpacker, message), "type", string(unpacker, message), "data", string(unpacker, message)));
        } catch (MessagePackException e) {
            throw new IOException("not an announced entry", e);
        }
    }

    /**
     * A string read straight from the message. {@link MessageUnpacker#unpackString} first gives each new unpacker a
     * decoding buffer of 8 192 chars: every node hears every entry, and those buffers were more than half of all a
     * node allocated in a room chat, each young collection a pause of every delivery.
     */
    private static String string(MessageUnpacker unpacker, byte[] message) throws IOException {
        int length = unpacker.unpackRawStringHeader();
        int start = Math.toIntExact(unpacker.getTotalReadBytes());
        unpacker.readPayloadAsReference(length);
        return new String(message, start, length, StandardCharsets.UTF_8);
    }
}
