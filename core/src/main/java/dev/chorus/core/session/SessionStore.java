package dev.chorus.core.session;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Where login sessions live, so that any node (or a restarted one) knows who a cookie belongs to. */
public interface SessionStore {
    CompletableFuture<Void> save(LoginSession session);

    /**
     * Saves a session only if it is still stored, in one step: a touch racing with a logout must not bring the
     * session back.
     *
     * @return whether the session was still there
     */
    CompletableFuture<Boolean> update(LoginSession session);

    CompletableFuture<Optional<LoginSession>> find(String id);

    CompletableFuture<Void> delete(String id);

    /** Deletes every session of a user (an admin's kick), announcing each as {@link #delete} does. @return their ids */
    CompletableFuture<List<String>> deleteAllOf(String username);

    /**
     * Told of sessions ended on other nodes (logout there), by id, so that what runs on them here can end too. A
     * store that only one node uses has nothing to tell.
     */
    default void onEnded(Consumer<String> listener) {
    }
}
