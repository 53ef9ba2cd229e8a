package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps a namespace's rooms and carries its broadcasts. Every broadcast goes through here, which is where a
 * clustered implementation reaches the sockets of other nodes. Methods may be called from any thread.
 */
public interface Adapter {
    void addAll(String socketId, Set<String> rooms);

    void del(String socketId, String room);

    void delAll(String socketId);

    /**
     * Takes a local socket out of its rooms as {@link #delAll} does, but leaves its recovery session alone: another
     * socket of the same id took it over (its client recovered it elsewhere) and now owns it.
     */
    default void release(String socketId) {
        delAll(socketId);
    }

    /** This node's rooms, which every adapter keeps, whatever it adds for the other nodes. */
    LocalRooms localRooms();

    /** The rooms a local socket is in, its own id room included; empty for an unknown socket. */
    default Set<String> socketRooms(String socketId) {
        return localRooms().socketRooms(socketId);
    }

    /** The local rooms and their local members. */
    default Set<String> rooms() {
        return localRooms().rooms();
    }

    /** The ids of local sockets the options select. */
    default Set<String> localSockets(BroadcastOptions options) {
        return localRooms().localSockets(options);
    }

    /**
     * Makes the sockets the options select join rooms: those of this node, and with a clustered adapter (unless
     * the options are local) those of every node.
     */
    void socketsJoin(BroadcastOptions options, Set<String> rooms);

    /** Makes the selected sockets leave rooms, on every node as {@link #socketsJoin} does. */
    void socketsLeave(BroadcastOptions options, Set<String> rooms);

    /** Disconnects the selected sockets (and closes their connections when {@code close}), on every node. */
    void disconnectSockets(BroadcastOptions options, boolean close);

    /** Sends an event to the namespace's handlers on the other servers ({@link Namespace#serverSideEmit}). */
    void serverSideEmit(ArrayNode event);

    /** Sends an event (or any packet) to every socket the options select, encoding it once. */
    void broadcast(Packet packet, BroadcastOptions options);

    /**
     * A socket's client was sent its first offset: from now on it can ask for the socket back after a reconnection
     * (a client asks with the last offset it heard). An adapter that keeps live sockets' sessions for recovery has
     * none to keep before this. Usually on the socket's loop, rarely twice (a delivery that raced the CONNECT ack).
     */
    default void firstOffsetSent(Socket socket) {
    }

    /** Keeps a disconnected socket's state so that it can be recovered. */
    CompletableFuture<Void> persistSession(PersistedSession session);

    /**
     * Takes back a persisted session when both it and the client's offset are still known.
     *
     * @return the session, or null when the socket cannot be recovered
     */
    CompletableFuture<PersistedSession> restoreSession(String pid, String offset);

    /**
     * The events after {@code offset} that would have reached a socket in the session's rooms, in order.
     *
     * @return the events, or null when the offset is no longer known
     */
    CompletableFuture<List<ReplayedPacket>> replay(PersistedSession session, String offset);

    void close();
}
