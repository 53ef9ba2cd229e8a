package dev.chorus.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * Once a connection has become a WebSocket no HTTP request follows on it, so the handlers that serve HTTP leave its
 * pipeline: a connection that stays open for hours does not keep a context per endpoint, and its events do not walk
 * past them.
 */
@ChannelHandler.Sharable
final class HttpEndpointsLeave extends ChannelOutboundHandlerAdapter {
    private final List<String> httpOnly;

    /** @param httpOnly the names of the handlers that serve HTTP only */
    HttpEndpointsLeave(List<String> httpOnly) {
        this.httpOnly = List.copyOf(httpOnly);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean upgraded = msg instanceof HttpResponse response
                && HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status());
        ctx.write(msg, promise);
        if (upgraded) {
            ChannelPipeline pipeline = ctx.pipeline();
            pipeline.remove(this);
            // The endpoint that answered the upgrade is still turning the pipeline into a WebSocket one in this task.
            ctx.channel().eventLoop().execute(() -> {
                for (String name : httpOnly) {
                    if (pipeline.context(name) != null) {
                        pipeline.remove(name);
                    }
                }
            });
        }
    }
}
