package dev.chorus.core.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Login sessions with an idle and an absolute expiry. A session is touched at most once a minute, so that a busy
 * user does not cost a store write per request. The sessions that this node's connections run under are
 * {@link #hold held}: an open connection is use (a user with the chat open is not idle), and {@link #checkHeld}
 * ends the connections of a session that is gone — past its absolute expiry, or deleted from the store.
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
    /** The sessions this node's connections run under, with how many connections each. */
    private final Map<String, Integer> held = new ConcurrentHashMap<>();

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
            if (expired(session, now)) {
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

    /** A connection on this node now runs under this session; {@link #release} when it ends. */
    public void hold(String id) {
        held.merge(id, 1, Integer::sum);
    }

    public void release(String id) {
        held.computeIfPresent(id, (key, count) -> count > 1 ? count - 1 : null);
    }

    /**
     * Looks at every held session: one that is gone or expired ends, and the close listeners hear of it (its
     * connections close); one in use is touched now and then, so that it does not expire while its user is
     * connected. Costs a store read per held session: run it every {@link #checkEvery()}. A read the store fails is
     * tried again at the next run.
     */
    public CompletableFuture<Void> checkHeld() {
        Instant now = clock.instant();
        CompletableFuture<?>[] checks = held.keySet().stream().map(id -> store.find(id).thenCompose(found -> {
            if (found.isEmpty() || expired(found.get(), now)) {
                // Its connections are told once; they release it as they close.
                held.remove(id);
                return (found.isEmpty() ? CompletableFuture.<Void>completedFuture(null) : store.delete(id))
                        .thenRun(() -> notifyClosed(id));
            }
            LoginSession session = found.get();
            return now.isAfter(session.lastSeenAt().plus(checkEvery()))
                    ? store.update(session.seenAt(now)).thenApply(updated -> null)
                    : CompletableFuture.completedFuture(null);
        }).exceptionally(error -> null)).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(checks);
    }

    /** How often the held sessions are looked at: a quarter of the shorter expiry, from a second to a minute. */
    public Duration checkEvery() {
        Duration shorter = idleTimeout.compareTo(absoluteTimeout) < 0 ? idleTimeout : absoluteTimeout;
        Duration quarter = shorter.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : quarter.compareTo(TOUCH_EVERY) > 0 ? TOUCH_EVERY : quarter;
    }

    private boolean expired(LoginSession session, Instant now) {
        return now.isAfter(session.lastSeenAt().plus(idleTimeout))
                || now.isAfter(session.createdAt().plus(absoluteTimeout));
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
