package dev.chorus.cluster.adapter;

import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.ReplayedPacket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The durable broadcasts of a namespace this node delivered lately, as they were delivered: a client recovering
 * here is replayed what it missed from memory instead of from the cluster stream. When a node dies its clients all
 * recover on the others at once, each missing the last seconds of every room; read from Redis, each recovery would
 * fetch and parse every entry since its offset, whatever its room — thousands of clients times thousands of
 * entries. Entries are added by the stream's reader, in stream order; replays read them from any thread.
 *
 * <p>The broadcasts are kept as the stream carried them, in one ring of bytes and a few arrays of numbers that live
 * as long as the node: nothing per broadcast for the collector. The last 10 000 broadcasts live for seconds, long
 * enough for a young collection or two to copy them and then move them to the old generation; kept as objects (a
 * string, its id, its rooms, a map's node), they were a megabyte copied and promoted at every young collection of a
 * busy node, most of the collection's work. At most {@code capacity} broadcasts and {@code maxBytes} of them are
 * kept, the oldest forgotten first.
 */
final class RecentBroadcasts {
    private static final int FIRST_BYTES = 64 * 1024;
    /** The audience of a broadcast to no room or to more than two: decoded for every replay it falls in. */
    private static final int ANY_ROOMS = 0;

    private final String nsp;
    private final int capacity;
    private final int maxBytes;
    private final long[] millis;
    private final long[] sequences;
    private final int[] starts;
    private final int[] lengths;
    /**
     * The {@link #roomHash} of the first room a broadcast is for, and of the second (the first's again for one room);
     * {@link #ANY_ROOMS} in both for any other audience. Those left out ({@code except}) only narrow it, and a replay
     * applies them as it decodes: a room's presence event skips the one who came, and when a node dies and thousands
     * of its clients come back at once, each recovery would otherwise decode every such event since its offset.
     */
    private final int[] audiences;
    private final int[] secondAudiences;
    private byte[] bytes = new byte[0];
    /** The slot of the oldest broadcast kept, and how many are. */
    private int first;
    private int count;
    /** Where the next broadcast's bytes go unless they do not fit there. */
    private int writeAt;
    /** Every broadcast after this one is kept, up to the newest added. */
    private StreamId keptAfter;

    /** @param keptAfter where the reader is now: every broadcast it delivers from here on is added */
    RecentBroadcasts(String nsp, StreamId keptAfter, int capacity, int maxBytes) {
        this.nsp = nsp;
        this.keptAfter = keptAfter;
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.millis = new long[capacity];
        this.sequences = new long[capacity];
        this.starts = new int[capacity];
        this.lengths = new int[capacity];
        this.audiences = new int[capacity];
        this.secondAudiences = new int[capacity];
    }

    /**
     * A broadcast just delivered; on the reader's thread.
     *
     * @param streamData the entry's {@code data} field, as read from the stream
     */
    synchronized void add(StreamId id, BroadcastOptions options, String streamData) {
        byte[] data = streamData.getBytes(StandardCharsets.UTF_8);
        if (data.length > maxBytes) {
            // Kept it cannot be: neither can anything before it be replayed from here.
            count = 0;
            keptAfter = id;
            return;
        }
        if (count == capacity) {
            forgetOldest();
        }
        int at = placeFor(data.length);
        System.arraycopy(data, 0, bytes, at, data.length);
        int slot = slot(count);
        millis[slot] = id.millis();
        sequences[slot] = id.sequence();
        starts[slot] = at;
        lengths[slot] = data.length;
        noteAudience(slot, options.rooms());
        count++;
        writeAt = at + data.length;
    }

    /** Where {@code length} bytes go: after the newest, or at the start; room made by growing, then by forgetting. */
    private int placeFor(int length) {
        while (true) {
            if (count == 0) {
                if (bytes.length < length) {
                    grow(length);
                }
                return 0;
            }
            int oldest = starts[first];
            boolean wrapped = writeAt <= oldest;
            if (!wrapped && writeAt + length <= bytes.length) {
                return writeAt;
            }
            if (!wrapped && length <= oldest) {
                return 0;
            }
            if (wrapped && writeAt + length <= oldest) {
                return writeAt;
            }
            if (bytes.length < maxBytes) {
                grow(length);
            } else {
                forgetOldest();
            }
        }
    }

    /** A larger ring, the kept broadcasts laid out from its start in order. */
    private void grow(int length) {
        long wanted = Math.max(Math.max(FIRST_BYTES, 2L * bytes.length), (long) usedBytes() + length);
        byte[] larger = new byte[(int) Math.min(maxBytes, wanted)];
        int at = 0;
        for (int i = 0; i < count; i++) {
            int slot = slot(i);
            System.arraycopy(bytes, starts[slot], larger, at, lengths[slot]);
            starts[slot] = at;
            at += lengths[slot];
        }
        bytes = larger;
        writeAt = at;
    }

    private int usedBytes() {
        int used = 0;
        for (int i = 0; i < count; i++) {
            used += lengths[slot(i)];
        }
        return used;
    }

    private void forgetOldest() {
        // Forgotten only once it no longer counts as kept, so that a replay never misses it unknowingly.
        keptAfter = new StreamId(millis[first], sequences[first]);
        first = (first + 1) % capacity;
        count--;
    }

    /**
     * @return the broadcasts after {@code after}, up to {@code upTo}, that reached a socket in {@code rooms}, oldest
     *     first; null when some of them may be older than what is kept
     */
    List<ReplayedPacket> replay(StreamId after, StreamId upTo, Set<String> rooms) {
        List<Missed> candidates = candidates(after, upTo, rooms);
        if (candidates == null) {
            return null;
        }
        List<ReplayedPacket> missed = new ArrayList<>(candidates.size());
        for (Missed candidate : candidates) {
            ReplayedPacket replayed = ClusterCodec.replayed(nsp, candidate.offset(), candidate.streamData(), rooms);
            if (replayed != null) {
                missed.add(replayed);
            }
        }
        return missed;
    }

    /** The kept broadcasts in the range whose audience may include the rooms, decoded back into text. */
    synchronized List<Missed> candidates(StreamId after, StreamId upTo, Set<String> rooms) {
        if (after.compareTo(keptAfter) < 0) {
            return null;
        }
        int[] roomHashes = rooms.stream().mapToInt(RecentBroadcasts::roomHash).toArray();
        List<Missed> candidates = new ArrayList<>();
        for (int i = firstAfter(after); i < count; i++) {
            int slot = slot(i);
            if (StreamId.compare(millis[slot], sequences[slot], upTo) > 0) {
                break;
            }
            if (mayInclude(audiences[slot], secondAudiences[slot], roomHashes)) {
                candidates.add(new Missed(new StreamId(millis[slot], sequences[slot]).toString(),
                        new String(bytes, starts[slot], lengths[slot], StandardCharsets.UTF_8)));
            }
        }
        return candidates;
    }

    /** The position, oldest first, of the first broadcast kept after {@code after}. */
    private int firstAfter(StreamId after) {
        int low = 0;
        int high = count;
        while (low < high) {
            int middle = (low + high) >>> 1;
            int slot = slot(middle);
            if (StreamId.compare(millis[slot], sequences[slot], after) <= 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private int slot(int position) {
        return (first + position) % capacity;
    }

    private void noteAudience(int slot, Set<String> rooms) {
        if (rooms.isEmpty() || rooms.size() > 2) {
            audiences[slot] = ANY_ROOMS;
            secondAudiences[slot] = ANY_ROOMS;
            return;
        }
        Iterator<String> each = rooms.iterator();
        audiences[slot] = roomHash(each.next());
        secondAudiences[slot] = each.hasNext() ? roomHash(each.next()) : audiences[slot];
    }

    /** A room's hash, never {@link #ANY_ROOMS}: equal rooms have equal hashes, so a different hash rules one out. */
    private static int roomHash(String room) {
        int hash = room.hashCode();
        return hash == ANY_ROOMS ? 1 : hash;
    }

    private static boolean mayInclude(int audience, int secondAudience, int[] roomHashes) {
        if (audience == ANY_ROOMS) {
            return true;
        }
        for (int hash : roomHashes) {
            if (hash == audience || hash == secondAudience) {
                return true;
            }
        }
        return false;
    }

    record Missed(String offset, String streamData) {
    }
}
