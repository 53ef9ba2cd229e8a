package dev.chorus.core.message;

import java.util.concurrent.CompletableFuture;

/**
 * Sends the chat's messages: checks the sender's rate, stores the message, which gives it its id, and delivers it,
 * as one step. On one node these are calls in memory ({@link EmbeddedPublisher}); in a cluster one round trip to
 * Redis does them all.
 */
public interface Publisher {
    /** @return the outcome; failed when the message could not be stored, and then nothing was sent */
    CompletableFuture<Publication> publish(Post post);
}
