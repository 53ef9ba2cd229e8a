package dev.chorus.chat.session;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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
}
