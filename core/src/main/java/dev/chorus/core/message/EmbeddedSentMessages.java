package dev.chorus.core.message;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Messages a client marked with its own key ({@code clientId}), remembered for a few minutes on a node that is not
 * part of a cluster, so that a client that sends one again — its connection broke before the answer came — gets the
 * same message back instead of a second copy.
 */
public final class EmbeddedSentMessages {
    private static final int SWEEP_EVERY = 1_000;

    private final Duration remember;
    private final Clock clock;
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();

    private record Claim(CompletableFuture<Long> id, long claimedAt) {
    }

    public EmbeddedSentMessages(Duration remember, Clock clock) {
        this.remember = remember;
        this.clock = clock;
    }

    /**
     * Claims a key for a send. A claim still being worked on (the first try, on another connection) is waited for.
     *
     * @return empty when the key is new (the caller sends, then calls {@link #sent} or {@link #release}); the id of
     *         the message sent with this key before otherwise
     */
    public CompletableFuture<Optional<Long>> claim(String user, String key) {
        long now = clock.millis();
        sweep(now);
        Claim mine = new Claim(new CompletableFuture<>(), now);
        Claim earlier = claims.merge(user + '\n' + key, mine,
                (old, fresh) -> now - old.claimedAt() > remember.toMillis() ? fresh : old);
        if (earlier == mine) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return earlier.id().thenApply(Optional::of);
    }

    /** The claimed send is done: later claims of the key get {@code id}. */
    public void sent(String user, String key, long id) {
        Claim claim = claims.get(user + '\n' + key);
        if (claim != null) {
            claim.id().complete(id);
        }
    }

    /** The claimed send failed: the key is free to be tried again. */
    public void release(String user, String key) {
        Claim claim = claims.remove(user + '\n' + key);
        if (claim != null) {
            claim.id().completeExceptionally(new CancellationException("the first try failed"));
        }
    }

    private void sweep(long now) {
        if (sinceSweep.incrementAndGet() % SWEEP_EVERY == 0) {
            claims.values().removeIf(claim -> now - claim.claimedAt() > remember.toMillis());
        }
    }
}
