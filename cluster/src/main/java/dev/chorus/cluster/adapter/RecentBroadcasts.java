package dev.chorus.cluster.adapter;

import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.ReplayedPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The durable broadcasts of a namespace this node delivered lately, as they were delivered: a client recovering
 * here is replayed what it missed from memory instead of from the cluster stream. When a node dies its clients all
 * recover on the others at once, each missing the last seconds of every room; read from Redis, each recovery would
 * fetch and parse every entry since its offset, whatever its room — thousands of clients times thousands of
 * entries. Entries are added by the stream's reader, in stream order; replays read them from any thread.
 *
 * <p>A broadcast is kept as the stream carried it, one string, and decoded again only for a socket it is replayed
 * to: the last 10 000 broadcasts live for seconds, long enough for the collector to move them to the old generation,
 * and as trees of a dozen objects each they made every young collection copy thousands of objects (the p99 of a
 * room's message doubled with them).
 */
final class RecentBroadcasts {
    private final String nsp;
    private final int capacity;
    private final ConcurrentSkipListMap<StreamId, Kept> kept = new ConcurrentSkipListMap<>();
    /** Every broadcast after this one is kept, up to the newest added. */
    private volatile StreamId keptAfter;
    /** The reader's own count: the map's size is not a constant-time read. */
    private int size;

    /** @param keptAfter where the reader is now: every broadcast it delivers from here on is added */
    RecentBroadcasts(String nsp, StreamId keptAfter, int capacity) {
        this.nsp = nsp;
        this.keptAfter = keptAfter;
        this.capacity = capacity;
    }

    /**
     * A broadcast just delivered; on the reader's thread.
     *
     * @param streamData the entry's {@code data} field, as read from the stream
     */
    void add(StreamId id, String offset, BroadcastOptions options, String streamData) {
        kept.put(id, new Kept(offset, options, streamData));
        size++;
        while (size > capacity) {
            StreamId oldest = kept.firstKey();
            // Forgotten only once it no longer counts as kept, so that a replay never misses it unknowingly.
            keptAfter = oldest;
            kept.remove(oldest);
            size--;
        }
    }

    /**
     * @return the broadcasts after {@code after}, up to {@code upTo}, that reached a socket in {@code rooms}, oldest
     *     first; null when some of them may be older than what is kept
     */
    List<ReplayedPacket> replay(StreamId after, StreamId upTo, Set<String> rooms) {
        if (after.compareTo(keptAfter) < 0) {
            return null;
        }
        List<ReplayedPacket> missed = new ArrayList<>();
        for (Kept broadcast : kept.subMap(after, false, upTo, true).values()) {
            ReplayedPacket replayed = broadcast.audience().includes(rooms)
                    ? ClusterCodec.replayed(nsp, broadcast.offset(), broadcast.streamData(), rooms) : null;
            if (replayed != null) {
                missed.add(replayed);
            }
        }
        // Entries forgotten while they were read may have been skipped.
        return after.compareTo(keptAfter) < 0 ? null : missed;
    }

    private record Kept(String offset, BroadcastOptions audience, String streamData) {
    }
}
