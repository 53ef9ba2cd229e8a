package dev.chorus.core.room;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The nicknames taken in each room, and by whom, on this node or across the cluster: a nickname belongs to one user
 * while any of their connections holds it.
 */
public interface OccupantStore {
    /** What came of a {@link #claim}. */
    enum Claim {
        /** The nickname was free: the connection holds it, as a new occupant. */
        NEW,
        /** The user held the nickname already, from another connection (or this one). */
        JOINED,
        /** Another user holds the nickname. */
        TAKEN
    }

    /**
     * The connection takes the nickname in the room, unless another user holds it.
     *
     * @param node the node the connection is on, whose death frees it
     */
    CompletableFuture<Claim> claim(String room, String nick, String user, String connection, String node);

    /** @return true when no connection holds the nickname any more: its occupant is gone */
    CompletableFuture<Boolean> release(String room, String nick, String connection, String node);

    /**
     * A moderator gave the occupant under the nickname a role, for as long as they are there.
     *
     * @return the occupant with it; empty when no one is there under the nickname
     */
    CompletableFuture<Optional<Occupant>> assign(String room, String nick, String role);

    /** Who is in the room under which nickname, in nickname order. */
    CompletableFuture<List<Occupant>> in(String room);

    /** The room is gone: every nickname in it is free. */
    CompletableFuture<Void> clear(String room);

    /** A node died: what its connections held is free. @return the occupants that are gone with it, by room */
    CompletableFuture<List<Vacated>> purge(String node);

    /** An occupant gone from a room without leaving it. */
    record Vacated(String room, Occupant occupant) {
    }
}
