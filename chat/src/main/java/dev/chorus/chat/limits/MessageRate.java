package dev.chorus.chat.limits;

import java.util.concurrent.CompletableFuture;

/** How fast a user may send messages: a token bucket per key, on this node alone or shared by the cluster. */
public interface MessageRate {
    /**
     * Takes a token for {@code key}.
     *
     * @return 0 when taken, otherwise the milliseconds until the key has one again
     */
    CompletableFuture<Long> acquire(String key);
}
