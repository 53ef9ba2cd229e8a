package dev.chorus.cluster.adapter;

import java.util.List;

/**
 * A durable broadcast that a store's script appends to the cluster stream in the same step as its own writes, so that
 * a message is stored and sent at once or not at all. The store gives the message its id inside the script; the
 * broadcast's data has a slot where the payload's {@code id} value goes, cut there by the codec that wrote it.
 *
 * <p>The Lua that appends it is this class's ({@link #appendLua}): what the cluster stream holds stays the adapter's
 * business, whichever script runs it.
 */
public final class StoredBroadcast {
    private final String stream;
    private final List<String> args;

    StoredBroadcast(String stream, long maxLength, String uid, String nsp, String liveChannel,
            ClusterCodec.Slotted data) {
        this.stream = stream;
        this.args = List.of(Long.toString(maxLength), uid, nsp, MessageType.BROADCAST.field(), liveChannel,
                data.before(), data.after());
    }

    /** The key to give the script at the index {@link #appendLua} is told. */
    public String stream() {
        return stream;
    }

    /** The arguments to give the script from the index {@link #appendLua} is told, in order. */
    public List<String> args() {
        return args;
    }

    /**
     * The Lua statements that append the broadcast and announce it to the nodes ({@link AnnouncedEntry}).
     *
     * @param streamKey the index in {@code KEYS} of {@link #stream()}
     * @param firstArg  the index in {@code ARGV} of the first of {@link #args()}
     * @param idVar     the script's local variable that holds the id, as a string of digits
     */
    public static String appendLua(int streamKey, int firstArg, String idVar) {
        return AnnouncedEntry.appendLua(streamKey, firstArg,
                "ARGV[" + (firstArg + 5) + "] .. " + idVar + " .. ARGV[" + (firstArg + 6) + "]");
    }
}
