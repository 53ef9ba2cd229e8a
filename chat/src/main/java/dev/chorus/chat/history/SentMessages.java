package dev.chorus.chat.history;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Messages a client marked with its own key ({@code clientId}), remembered for a few minutes so that a client that
 * sends one again — its connection broke before the answer came, and it retried on another node — gets the same
 * message back instead of a second copy. On this node alone, or across the cluster.
 */
public interface SentMessages {
    /**
     * Claims a key for a send. A claim still being worked on (the first try, on another connection) is waited for.
     *
     * @return empty when the key is new (the caller sends, then calls {@link #sent} or {@link #release}); the id of
     *         the message sent with this key before otherwise
     */
    CompletableFuture<Optional<Long>> claim(String user, String key);

    /** The claimed send is done: later claims of the key get {@code id}. */
    void sent(String user, String key, long id);

    /** The claimed send failed: the key is free to be tried again. */
    void release(String user, String key);
}
