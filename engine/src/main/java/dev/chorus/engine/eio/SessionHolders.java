package dev.chorus.engine.eio;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Which server holds a session this one does not: the one question the engine asks of a cluster to serve a polling
 * request or a WebSocket upgrade that a balancer without affinity sent to the wrong node. The engine then forwards
 * the request there itself; a session with no live holder is unknown, as on a server alone.
 */
@FunctionalInterface
public interface SessionHolders {
    /** A server on its own: every session it does not hold is unknown. */
    SessionHolders NONE = sid -> null;

    /**
     * Called on the connection's event loop; must not block.
     *
     * @return the live holder's address, once found (null in the future when there is none); or null at once when
     *         the session is known to be no other server's
     */
    CompletableFuture<InetSocketAddress> holderOf(String sid);
}
