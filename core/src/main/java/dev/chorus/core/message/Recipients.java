package dev.chorus.core.message;

import java.util.concurrent.CompletableFuture;

/**
 * Who may be sent a direct message: a user who exists (an account; a guest who is online). A message to anyone
 * else would open a conversation that no one ever reads, stored all the same.
 */
@FunctionalInterface
public interface Recipients {
    CompletableFuture<Boolean> exists(String user);
}
