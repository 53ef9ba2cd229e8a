package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.chorus.engine.eio.Frame;
import io.netty.channel.EventLoop;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

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
    private final Map<String, Set<String>> rooms = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> socketRooms = new ConcurrentHashMap<>();
    private final Object broadcastLock = new Object();
    private final ArrayDeque<LoggedPacket> log = new ArrayDeque<>();
    private final Map<String, StoredSession> sessions = new ConcurrentHashMap<>();
    private long lastOffset;

    private record LoggedPacket(long offset, long emittedAtMillis, ArrayNode data, BroadcastOptions options) {
    }

    private record StoredSession(PersistedSession session, long disconnectedAtMillis) {
    }

    /** @param clock what the recovery window is measured by */
    public InMemoryAdapter(Namespace nsp, RecoveryOptions recovery, Clock clock) {
        this.nsp = nsp;
        this.recovery = recovery;
        this.clock = clock;
    }

    public static AdapterFactory factory(RecoveryOptions recovery, Clock clock) {
        return nsp -> new InMemoryAdapter(nsp, recovery, clock);
    }

    @Override
    public void addAll(String socketId, Set<String> joined) {
        socketRooms.compute(socketId, (id, current) -> {
            Set<String> changed = current;
            for (String room : joined) {
                changed = Members.with(changed, room);
            }
            return changed != null ? changed : Set.of();
        });
        for (String room : joined) {
            rooms.compute(room, (r, members) -> Members.with(members, socketId));
        }
    }

    @Override
    public void del(String socketId, String room) {
        socketRooms.computeIfPresent(socketId, (id, joined) -> Members.without(joined, room));
        leaveRoom(socketId, room);
    }

    @Override
    public void delAll(String socketId) {
        Set<String> joined = socketRooms.remove(socketId);
        if (joined != null) {
            joined.forEach(room -> leaveRoom(socketId, room));
        }
    }

    private void leaveRoom(String socketId, String room) {
        rooms.computeIfPresent(room, (r, members) -> {
            Set<String> left = Members.without(members, socketId);
            return left.isEmpty() ? null : left;
        });
    }

    @Override
    public Set<String> socketRooms(String socketId) {
        Set<String> joined = socketRooms.get(socketId);
        return joined == null ? Set.of() : Set.copyOf(joined);
    }

    @Override
    public Set<String> rooms() {
        return Collections.unmodifiableSet(rooms.keySet());
    }

    @Override
    public Set<String> localSockets(BroadcastOptions options) {
        Set<String> ids = new HashSet<>();
        forEachRecipient(options, ids::add);
        return ids;
    }

    /** No other server to hear it. */
    @Override
    public void serverSideEmit(ArrayNode event) {
    }

    @Override
    public void socketsJoin(BroadcastOptions options, Set<String> joined) {
        forEachLocalSocket(options, socket -> socket.join(joined));
    }

    @Override
    public void socketsLeave(BroadcastOptions options, Set<String> left) {
        forEachLocalSocket(options, socket -> left.forEach(socket::leave));
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        forEachLocalSocket(options, socket -> socket.disconnect(close));
    }

    private void forEachLocalSocket(BroadcastOptions options, Consumer<Socket> action) {
        for (String id : localSockets(options)) {
            Socket socket = nsp.socket(id);
            if (socket != null) {
                action.accept(socket);
            }
        }
    }

    private void forEachRecipient(BroadcastOptions options, Consumer<String> action) {
        Set<String> excluded = new HashSet<>();
        for (String room : options.except()) {
            Set<String> members = rooms.get(room);
            if (members != null) {
                excluded.addAll(members);
            }
        }
        if (options.rooms().isEmpty()) {
            for (String id : socketRooms.keySet()) {
                if (!excluded.contains(id)) {
                    action.accept(id);
                }
            }
            return;
        }
        Set<String> seen = options.rooms().size() > 1 ? new HashSet<>() : null;
        for (String room : options.rooms()) {
            Set<String> members = rooms.get(room);
            if (members == null) {
                continue;
            }
            for (String id : members) {
                if (!excluded.contains(id) && (seen == null || seen.add(id))) {
                    action.accept(id);
                }
            }
        }
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
                log.addLast(new LoggedPacket(next, clock.millis(), data, options));
                pruneLog();
            }
            deliverLocally(packet, options, offset);
        }
    }

    /**
     * Encodes once and hands the frames to every local recipient: in one task per other event loop rather than one
     * hop per recipient. Sockets of the calling loop, and sockets still completing their connection (whose
     * deliveries must be weighed against their replay now, under the broadcast order), get them directly.
     */
    protected void deliverLocally(Packet packet, BroadcastOptions options, String offset) {
        List<Frame> frames = new ArrayList<>(2);
        nsp.encode(packet).forEach(frame -> frames.add(frame.withWebSocketFraming()));
        Map<EventLoop, List<Socket>> otherLoops = new HashMap<>();
        try {
            forEachRecipient(options, id -> {
                Socket socket = nsp.socket(id);
                if (socket == null || skips(socket, offset)) {
                    return;
                }
                EventLoop loop = socket.engineSession().eventLoop();
                if (loop.inEventLoop() || !socket.connected()) {
                    socket.deliver(frames, offset, options.isVolatile());
                } else {
                    otherLoops.computeIfAbsent(loop, l -> new ArrayList<>()).add(socket);
                }
            });
            otherLoops.forEach((loop, sockets) -> deliverOn(loop, sockets, frames, offset, options.isVolatile()));
        } finally {
            frames.forEach(Frame::release);
        }
    }

    /**
     * Whether a socket already has the event at {@code offset}: a clustered adapter may deliver an event again to a
     * socket that recovered it from elsewhere.
     */
    protected boolean skips(Socket socket, String offset) {
        return false;
    }

    private static void deliverOn(EventLoop loop, List<Socket> sockets, List<Frame> frames, String offset,
            boolean isVolatile) {
        List<Frame> copy = new ArrayList<>(frames.size());
        frames.forEach(frame -> copy.add(frame.retainedDuplicate()));
        Runnable batch = () -> {
            try {
                sockets.forEach(socket -> socket.deliver(copy, offset, isVolatile));
            } finally {
                copy.forEach(Frame::release);
            }
        };
        try {
            loop.execute(batch);
        } catch (RejectedExecutionException e) {
            copy.forEach(Frame::release);
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
                    missed.add(new ReplayedPacket(Long.toString(packet.offset(), 36), packet.data().deepCopy()));
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
