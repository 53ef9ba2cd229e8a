package dev.chorus.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ends a stopping node's kept-alive HTTP connections without resetting a request under a proxy. Once retiring, every
 * response says {@code Connection: close} and its connection closes after it; at the end, connections with no
 * request in flight are closed before the node's parts are, so that no request reaches a half-closed node. A proxy
 * that keeps connections alive then learns of each close from the response, instead of meeting a reset on its next
 * request (a POST it cannot send again).
 */
final class KeepAliveRetirement {
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean retiring;

    /** A handler for one connection's pipeline, after the HTTP codec. */
    Connection newConnection() {
        return new Connection();
    }

    /** From now on, responses close their connections. */
    void retire() {
        retiring = true;
    }

    /** Retires, and closes every connection that has no request in flight now; the others close after theirs. */
    void closeIdle() {
        retire();
        open.forEach(Connection::closeIfIdle);
    }

    final class Connection extends ChannelDuplexHandler {
        private ChannelHandlerContext ctx;
        /** Requests read and not answered yet; on the connection's loop. */
        private int inFlight;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            open.add(this);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            open.remove(this);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.remove(this);
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                inFlight++;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            // Interim answers (100 Continue, 101 Switching Protocols) end no request.
            boolean interim = msg instanceof HttpResponse response
                    && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (!interim && retiring && msg instanceof HttpResponse response) {
                HttpUtil.setKeepAlive(response, false);
            }
            if (!interim && msg instanceof LastHttpContent) {
                inFlight = Math.max(0, inFlight - 1);
                if (retiring && inFlight == 0) {
                    ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
            }
            ctx.write(msg, promise);
        }

        private void closeIfIdle() {
            ctx.executor().execute(() -> {
                if (inFlight == 0) {
                    ctx.close();
                }
            });
        }
    }
}
