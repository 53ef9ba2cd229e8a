package dev.chorus.core.presence;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Who is in which room: on this node alone, or across the cluster. Counted per socket, so a user with two tabs in
 * a room is there until both have left. {@link #enter} and {@link #exit} for one socket are issued in that order and
 * take effect in that order.
 */
public interface Presence {
    /** What came of an {@link #enter}. */
    enum Entered {
        /** The user was in the room nowhere before. */
        FIRST,
        /** The user was in the room already, with another connection. */
        AGAIN,
        /** The user is in {@link #maxRoomsPerUser} rooms already: nothing was counted. */
        TOO_MANY_ROOMS
    }

    /**
     * What came of an {@link #enter}, and who is in the room now, in name order (read in the same step: a join
     * answers with them) when they were asked for; none when they were not, or the user had too many rooms.
     */
    record Entry(Entered how, List<String> members) {
        public Entry {
            members = List.copyOf(members);
        }
    }

    /**
     * A connection of the user enters the room, unless that would put the user in too many rooms.
     *
     * @param withMembers whether to read who is in the room now: in a room of n users, n entries reading them all
     *     would cost n² names
     */
    CompletableFuture<Entry> enter(String room, String user, boolean withMembers);

    /**
     * A connection of the user is back in a room it was in (its client recovered it), whatever the user's room
     * count. @return true when the user was in the room nowhere before
     */
    CompletableFuture<Boolean> returned(String room, String user);

    /** Rooms one user may be in at once, over all their connections. */
    int maxRoomsPerUser();

    /** @return true when the user is now in the room nowhere */
    CompletableFuture<Boolean> exit(String room, String user);

    /** The users in a room, in name order. */
    CompletableFuture<List<String>> members(String room);

    /** Every room with someone in it, and how many users are there: a counter kept as they come and go. */
    CompletableFuture<Map<String, Integer>> rooms();

    /**
     * Told of users who left a room without an {@link #exit} of their own (their node died), once the last of their
     * sockets there is gone.
     */
    void onVanished(BiConsumer<String, String> roomAndUser);
}
