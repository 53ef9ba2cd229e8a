package dev.chorus.core.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Login sessions with an idle and an absolute expiry. A session is touched at most once a minute, so that a busy
 * user does not cost a store write per request.
 */
public final class Sessions {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final SessionStore store;
    private final Duration idleTimeout;
    private final Duration absoluteTimeout;
    private final Clock clock;
    private final List<Consumer<String>> closeListeners = new CopyOnWriteArrayList<>();

    public Sessions(SessionStore store, Duration idleTimeout, Duration absoluteTimeout, Clock clock) {
        this.store = store;
        this.idleTimeout = idleTimeout;
        this.absoluteTimeout = absoluteTimeout;
        this.clock = clock;
        // A logout on another node must end this node's sockets of the session too.
        store.onEnded(this::notifyClosed);
    }

    /** A new session with a new id: ids are never reused, nor taken from the client (no session fixation). */
    public CompletableFuture<LoginSession> open(String username) {
        Instant now = clock.instant();
        LoginSession session = new LoginSession(newId(), username, now, now);
        return store.save(session).thenApply(saved -> session);
    }

    /** @return the session when it exists and has not expired; an expired one is deleted */
    public CompletableFuture<Optional<LoginSession>> resolve(String id) {
        if (id == null || id.isEmpty() || id.length() > 80) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return store.find(id).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            LoginSession session = found.get();
            Instant now = clock.instant();
            if (now.isAfter(session.lastSeenAt().plus(idleTimeout))
                    || now.isAfter(session.createdAt().plus(absoluteTimeout))) {
                return store.delete(id).thenApply(deleted -> Optional.empty());
            }
            if (now.isAfter(session.lastSeenAt().plus(TOUCH_EVERY))) {
                LoginSession touched = session.seenAt(now);
                return store.update(touched).thenApply(stillThere -> stillThere ? Optional.of(touched)
                        : Optional.<LoginSession>empty());
            }
            return CompletableFuture.completedFuture(Optional.of(session));
        });
    }

    /** Ends a session (logout, or a new login from the same client); the close listeners hear of it. */
    public CompletableFuture<Void> close(String id) {
        return store.delete(id).thenRun(() -> notifyClosed(id));
    }

    /** Ends every session of a user, on every node. @return how many there were */
    public CompletableFuture<Integer> closeAllOf(String username) {
        return store.deleteAllOf(username).thenApply(ids -> {
            ids.forEach(this::notifyClosed);
            return ids.size();
        });
    }

    private void notifyClosed(String id) {
        closeListeners.forEach(listener -> listener.accept(id));
    }

    /**
     * Told the id of every session ended here or, through the store, on another node, so that what still runs on it
     * (open sockets) can end too.
     */
    public void onClose(Consumer<String> listener) {
        closeListeners.add(listener);
    }

    public Duration absoluteTimeout() {
        return absoluteTimeout;
    }

    /** 240 random bits in 40 characters of URL-safe base64. */
    private static String newId() {
        byte[] bytes = new byte[30];
        RANDOM.nextBytes(bytes);
        return ID_ENCODER.encodeToString(bytes);
    }
}
