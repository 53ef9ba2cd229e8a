package dev.chorus.chat.history;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Sent-message keys of a node that is not part of a cluster, in memory, forgotten after {@code remember}. */
public final class LocalSentMessages implements SentMessages {
    private static final int SWEEP_EVERY = 1_000;

    private final Duration remember;
    private final Clock clock;
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();

    private record Claim(CompletableFuture<Long> id, long claimedAt) {
    }

    public LocalSentMessages(Duration remember, Clock clock) {
        this.remember = remember;
        this.clock = clock;
    }

    @Override
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

    @Override
    public void sent(String user, String key, long id) {
        Claim claim = claims.get(user + '\n' + key);
        if (claim != null) {
            claim.id().complete(id);
        }
    }

    @Override
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
