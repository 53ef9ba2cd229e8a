package dev.chorus.core.limits;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The sockets each user has open, for {@code max_connections_per_user}: on this node alone, or across the cluster.
 * {@link #add} and {@link #remove} for one socket are issued in that order and take effect in that order.
 */
public interface UserConnections {
    int maxPerUser();

    /** Whether the user may open one more. */
    CompletableFuture<Boolean> hasRoom(String user);

    /** Counts a connected socket. @return false when that made one too many (two came in at once) */
    CompletableFuture<Boolean> add(String user, String socketId);

    void remove(String user, String socketId);

    CompletableFuture<Integer> count(String user);

    /** Every user with a socket open, and how many: who is online. */
    CompletableFuture<Map<String, Integer>> online();

    /**
     * Told, once in the cluster, of the connections a dead node held: they ended without a {@link #remove}, and
     * whoever saw them open should hear they are gone.
     */
    void onVanished(Consumer<Vanished> listener);

    /**
     * The connections a dead node held.
     *
     * @param node  the dead node's id
     * @param users each connection's id, and whose it was
     */
    record Vanished(String node, Map<String, String> users) {
        public Vanished {
            users = Map.copyOf(users);
        }
    }
}
