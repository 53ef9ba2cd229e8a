package dev.chorus.engine.sio;

import dev.chorus.engine.eio.Frame;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * A namespace's rooms on this node, kept both ways (room to sockets, socket to rooms), and the delivery of a
 * broadcast to the local sockets it selects. Every adapter keeps one for its own node; a clustered adapter adds the
 * other nodes around it. Any thread.
 */
public final class LocalRooms {
    /**
     * Whether a socket already has the event at an offset: a clustered adapter may deliver an event again to a socket
     * that recovered it from elsewhere.
     */
    @FunctionalInterface
    public interface AlreadyHas {
        boolean test(Socket socket, String offset);
    }

    private final Namespace nsp;
    private final AlreadyHas alreadyHas;
    private final Map<String, Set<String>> rooms = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> socketRooms = new ConcurrentHashMap<>();

    public LocalRooms(Namespace nsp) {
        this(nsp, (socket, offset) -> false);
    }

    public LocalRooms(Namespace nsp, AlreadyHas alreadyHas) {
        this.nsp = nsp;
        this.alreadyHas = alreadyHas;
    }

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

    public void del(String socketId, String room) {
        socketRooms.computeIfPresent(socketId, (id, joined) -> Members.without(joined, room));
        leaveRoom(socketId, room);
    }

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

    /** Whether the socket is in every one of the rooms already. */
    public boolean isInAll(String socketId, Set<String> rooms) {
        Set<String> joined = socketRooms.get(socketId);
        return joined == null ? rooms.isEmpty() : joined.containsAll(rooms);
    }

    public Set<String> socketRooms(String socketId) {
        Set<String> joined = socketRooms.get(socketId);
        return joined == null ? Set.of() : Set.copyOf(joined);
    }

    public Set<String> rooms() {
        return Collections.unmodifiableSet(rooms.keySet());
    }

    public Set<String> localSockets(BroadcastOptions options) {
        Set<String> ids = new HashSet<>();
        forEachRecipient(options, ids::add);
        return ids;
    }

    public void socketsJoin(BroadcastOptions options, Set<String> joined) {
        sockets(options).forEach(socket -> socket.join(joined));
    }

    public void socketsLeave(BroadcastOptions options, Set<String> left) {
        sockets(options).forEach(socket -> left.forEach(socket::leave));
    }

    public void disconnectSockets(BroadcastOptions options, boolean close) {
        sockets(options).forEach(socket -> socket.disconnect(close));
    }

    /** The local sockets the options select. */
    public List<Socket> sockets(BroadcastOptions options) {
        List<Socket> sockets = new ArrayList<>();
        forEachRecipient(options, id -> {
            Socket socket = nsp.socket(id);
            if (socket != null) {
                sockets.add(socket);
            }
        });
        return sockets;
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

    /**
     * Encodes once and hands the frames to every local recipient: in one task per other event loop rather than one
     * hop per recipient. Sockets of the calling loop, and sockets still completing their connection (whose
     * deliveries must be weighed against their replay now, under the broadcast order), get them directly.
     */
    public void deliver(Packet packet, BroadcastOptions options, String offset) {
        nsp.applying(packet, options);
        List<Frame> frames = new ArrayList<>(2);
        nsp.encode(packet).forEach(frame -> frames.add(frame.withWebSocketFraming()));
        Map<EventLoop, List<Socket>> otherLoops = new HashMap<>();
        int[] recipients = {0};
        try {
            forEachRecipient(options, id -> {
                Socket socket = nsp.socket(id);
                if (socket == null || (offset != null && alreadyHas.test(socket, offset))) {
                    return;
                }
                recipients[0]++;
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
        if (recipients[0] > 0) {
            nsp.delivered(packet, recipients[0]);
        }
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
}
