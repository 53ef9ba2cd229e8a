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
    /** @return true when the user was in the room nowhere before */
    CompletableFuture<Boolean> enter(String room, String user);

    /** @return true when the user is now in the room nowhere */
    CompletableFuture<Boolean> exit(String room, String user);

    /** The users in a room, in name order. */
    CompletableFuture<List<String>> members(String room);

    /** Every room with someone in it, and how many users are there. */
    CompletableFuture<Map<String, Integer>> rooms();

    /**
     * Told of users who left a room without an {@link #exit} of their own (their node died), once the last of their
     * sockets there is gone.
     */
    void onVanished(BiConsumer<String, String> roomAndUser);
}
