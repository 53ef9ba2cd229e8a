package dev.chorus.engine.sio;

import java.time.Duration;

/**
 * Connection state recovery: a client that lost its connection for at most {@code maxDisconnectionDuration} comes
 * back with its socket id, rooms and data, and gets every event it missed. With {@code skipMiddlewares} a recovered
 * socket does not go through the namespace's middlewares again.
 */
public record RecoveryOptions(Duration maxDisconnectionDuration, boolean skipMiddlewares) {
    public static RecoveryOptions defaults() {
        return new RecoveryOptions(Duration.ofMinutes(2), true);
    }
}
