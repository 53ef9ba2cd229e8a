package dev.chorus.engine.sio;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A selection of a namespace's sockets (rooms, exceptions, flags) to emit to or act on. Immutable. */
public final class BroadcastOperator {
    private final Namespace nsp;
    private final Set<String> rooms;
    private final Set<String> except;
    private final boolean isVolatile;
    private final boolean local;

    BroadcastOperator(Namespace nsp) {
        this(nsp, Set.of(), Set.of(), false, false);
    }

    private BroadcastOperator(Namespace nsp, Set<String> rooms, Set<String> except, boolean isVolatile,
            boolean local) {
        this.nsp = nsp;
        this.rooms = rooms;
        this.except = except;
        this.isVolatile = isVolatile;
        this.local = local;
    }

    public BroadcastOperator to(String... more) {
        return new BroadcastOperator(nsp, plus(rooms, more), except, isVolatile, local);
    }

    public BroadcastOperator in(String... more) {
        return to(more);
    }

    public BroadcastOperator except(String... more) {
        return new BroadcastOperator(nsp, rooms, plus(except, more), isVolatile, local);
    }

    /** Drops the event for clients that cannot take it right now instead of queueing it. */
    public BroadcastOperator asVolatile() {
        return new BroadcastOperator(nsp, rooms, except, true, local);
    }

    /** Only the sockets of this node. */
    public BroadcastOperator local() {
        return new BroadcastOperator(nsp, rooms, except, isVolatile, true);
    }

    public void emit(String event, Object... args) {
        nsp.adapter().broadcast(Packet.event(nsp.name(), nsp.eventPayload(event, args)), options());
    }

    /** The selected sockets of this node. */
    public List<Socket> localSockets() {
        List<Socket> sockets = new ArrayList<>();
        for (String id : nsp.adapter().localSockets(options())) {
            Socket socket = nsp.socket(id);
            if (socket != null) {
                sockets.add(socket);
            }
        }
        return sockets;
    }

    /** The selected sockets, on every node unless {@link #local()}, join the rooms. */
    public void socketsJoin(String... joined) {
        nsp.adapter().socketsJoin(options(), Set.of(joined));
    }

    /** The selected sockets, on every node unless {@link #local()}, leave the rooms. */
    public void socketsLeave(String... left) {
        nsp.adapter().socketsLeave(options(), Set.of(left));
    }

    /** The selected sockets, on every node unless {@link #local()}, are disconnected. */
    public void disconnectSockets(boolean close) {
        nsp.adapter().disconnectSockets(options(), close);
    }

    BroadcastOptions options() {
        return new BroadcastOptions(rooms, except, isVolatile, local);
    }

    private static Set<String> plus(Set<String> set, String[] more) {
        Set<String> union = new HashSet<>(set);
        union.addAll(List.of(more));
        return Set.copyOf(union);
    }
}
