package dev.chorus.core.room;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One connection of a logged-in user, as a face keeps it: the rooms it is in are the face's to hold (a Socket.IO
 * socket's rooms, an XMPP occupant's), the core tells it when to enter and leave them.
 */
public interface Connection {
    /** Unique among the cluster's connections. */
    String id();

    String user();

    boolean isIn(String room);

    /** Puts the connection in the room: it gets the room's messages from now on. */
    void enter(String room);

    /** Takes the connection out of the room, and out of the room's presence events. */
    void exit(String room);

    /** How many chat rooms the connection is in. */
    int roomCount();

    /**
     * Runs {@code work} where the connection's own work runs (a socket's event loop), in order with it, and completes
     * as the future {@code work} returns completes.
     */
    <T> CompletableFuture<T> execute(Supplier<CompletableFuture<T>> work);

    /** Whether the connection gets the room's presence events (who comes and goes), which it asked for or not. */
    void watchPresence(String room, boolean watch);
}
