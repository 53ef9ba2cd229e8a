package dev.chorus.engine.sio;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Runs before a socket joins its namespace. The returned stage completing normally lets the socket in; completing
 * with a {@link ConnectError} refuses it with that message (any other failure refuses it with "Internal error").
 * Middlewares run in the order they were added, each after the previous one completed.
 */
@FunctionalInterface
public interface Middleware {
    CompletionStage<?> apply(Socket socket);

    /** A middleware that decides at once: it refuses by throwing {@link ConnectError}. */
    static Middleware sync(Consumer<Socket> check) {
        return socket -> {
            try {
                check.accept(socket);
                return CompletableFuture.completedFuture(null);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }
}
