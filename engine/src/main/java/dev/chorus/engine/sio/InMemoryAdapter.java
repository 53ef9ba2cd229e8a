package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rooms and broadcasts within one process. With recovery on it also keeps the recent recoverable events and the
 * sessions of disconnected sockets, for the recovery window.
 *
 * <p>Broadcasts are serialized: each is logged and handed to every recipient before the next one starts, which
 * gives a namespace one order of events on this node and makes a socket's offsets increase.
 */
public class InMemoryAdapter implements Adapter {
    /** Bounds the log's memory whatever the traffic; a socket whose offset fell off cannot recover. */
    private static final int MAX_LOGGED_PACKETS = 100_000;

    protected final Namespace nsp;
    private final RecoveryOptions recovery;
    private final Clock clock;
    private final LocalRooms local;
    private final Object broadcastLock = new Object();
    private final ArrayDeque<LoggedPacket> log = new ArrayDeque<>();
    private final Map<String, StoredSession> sessions = new ConcurrentHashMap<>();
    private long lastOffset;

    /**
     * An event's arguments as JSON, one array the collector copies at once, where a tree of a dozen objects per event
     * kept for the recovery window made every young collection longer; binary arguments stay a tree.
     */
    private record LoggedPacket(long offset, long emittedAtMillis, BroadcastOptions options, byte[] json,
            ArrayNode binary) {
        static LoggedPacket of(long offset, long emittedAtMillis, BroadcastOptions options, ArrayNode data,
                ObjectMapper mapper) {
            if (Packet.hasBinary(data)) {
                return new LoggedPacket(offset, emittedAtMillis, options, null, data);
            }
            try {
                return new LoggedPacket(offset, emittedAtMillis, options, mapper.writeValueAsBytes(data), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A copy of its own for each replay. */
        ArrayNode data(ObjectMapper mapper) {
            if (binary != null) {
                return binary.deepCopy();
            }
            try {
                return (ArrayNode) mapper.readTree(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private record StoredSession(PersistedSession session, long disconnectedAtMillis) {
    }

    /** @param clock what the recovery window is measured by */
    public InMemoryAdapter(Namespace nsp, RecoveryOptions recovery, Clock clock) {
        this.nsp = nsp;
        this.local = new LocalRooms(nsp);
        this.recovery = recovery;
        this.clock = clock;
    }

    public static AdapterFactory factory(RecoveryOptions recovery, Clock clock) {
        return nsp -> new InMemoryAdapter(nsp, recovery, clock);
    }

    @Override
    public void addAll(String socketId, Set<String> joined) {
        local.addAll(socketId, joined);
    }

    @Override
    public void del(String socketId, String room) {
        local.del(socketId, room);
    }

    @Override
    public void delAll(String socketId) {
        local.delAll(socketId);
    }

    @Override
    public LocalRooms localRooms() {
        return local;
    }

    /** No other server to hear it. */
    @Override
    public void serverSideEmit(ArrayNode event) {
    }

    @Override
    public void socketsJoin(BroadcastOptions options, Set<String> joined) {
        local.socketsJoin(options, joined);
    }

    @Override
    public void socketsLeave(BroadcastOptions options, Set<String> left) {
        local.socketsLeave(options, left);
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        local.disconnectSockets(options, close);
    }

    @Override
    public void broadcast(Packet packet, BroadcastOptions options) {
        synchronized (broadcastLock) {
            String offset = null;
            if (recovery != null && isRecoverable(packet, options)) {
                long next = ++lastOffset;
                offset = Long.toString(next, 36);
                ArrayNode data = (ArrayNode) packet.data();
                data.add(offset);
                log.addLast(LoggedPacket.of(next, clock.millis(), options, data, nsp.server().mapper()));
                pruneLog();
            }
            local.deliver(packet, options, offset);
        }
    }

    private static boolean isRecoverable(Packet packet, BroadcastOptions options) {
        return packet.type() == PacketType.EVENT && !packet.hasAck() && !options.isVolatile();
    }

    private void pruneLog() {
        long threshold = clock.millis() - recovery.maxDisconnectionDuration().toMillis();
        while (!log.isEmpty() && (log.size() > MAX_LOGGED_PACKETS || log.peekFirst().emittedAtMillis() < threshold)) {
            log.removeFirst();
        }
    }

    @Override
    public CompletableFuture<Void> persistSession(PersistedSession session) {
        if (recovery != null) {
            long now = clock.millis();
            sessions.put(session.pid(), new StoredSession(session, now));
            long threshold = now - recovery.maxDisconnectionDuration().toMillis();
            sessions.values().removeIf(stored -> stored.disconnectedAtMillis() < threshold);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<PersistedSession> restoreSession(String pid, String offset) {
        if (recovery == null) {
            return CompletableFuture.completedFuture(null);
        }
        StoredSession stored = sessions.remove(pid);
        long threshold = clock.millis() - recovery.maxDisconnectionDuration().toMillis();
        if (stored == null || stored.disconnectedAtMillis() < threshold) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (broadcastLock) {
            return CompletableFuture.completedFuture(offsetKnown(parseOffset(offset)) ? stored.session() : null);
        }
    }

    @Override
    public CompletableFuture<List<ReplayedPacket>> replay(PersistedSession session, String offset) {
        long after = parseOffset(offset);
        synchronized (broadcastLock) {
            if (!offsetKnown(after)) {
                return CompletableFuture.completedFuture(null);
            }
            List<ReplayedPacket> missed = new ArrayList<>();
            Iterator<LoggedPacket> newestFirst = log.descendingIterator();
            while (newestFirst.hasNext()) {
                LoggedPacket packet = newestFirst.next();
                if (packet.offset() <= after) {
                    break;
                }
                if (packet.options().includes(session.rooms())) {
                    missed.add(new ReplayedPacket(Long.toString(packet.offset(), 36),
                            Packet.event(nsp.name(), packet.data(nsp.server().mapper()))));
                }
            }
            Collections.reverse(missed);
            return CompletableFuture.completedFuture(missed);
        }
    }

    /**
     * Whether every event after {@code offset} is still in the log. The offsets of this adapter are consecutive
     * numbers, so this holds from the event just before the oldest one kept up to the newest.
     */
    private boolean offsetKnown(long offset) {
        if (offset < 0 || offset > lastOffset) {
            return false;
        }
        long oldestKept = log.isEmpty() ? lastOffset + 1 : log.peekFirst().offset();
        return offset >= oldestKept - 1;
    }

    private static long parseOffset(String offset) {
        try {
            return Long.parseLong(offset, 36);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        synchronized (broadcastLock) {
            log.clear();
        }
        sessions.clear();
    }
}
