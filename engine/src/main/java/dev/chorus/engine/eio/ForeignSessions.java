package dev.chorus.engine.eio;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Serves requests for sessions this server does not hold, which in a cluster another process may: a polling
 * request or a WebSocket upgrade that a load balancer without affinity sent to the wrong node. Called on the
 * connection's event loop; must not block.
 */
@FunctionalInterface
public interface ForeignSessions {
    /** Answers every such request with 400 "Session ID unknown", as a server on its own does. */
    ForeignSessions NONE = (ctx, request, sid) -> false;

    /**
     * @param request released by the caller once this returns: retain it to use it later
     * @return true when the request was taken (and will be answered), false to answer "Session ID unknown"
     */
    boolean take(ChannelHandlerContext ctx, FullHttpRequest request, String sid);
}
