package dev.chorus.xmpp.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

/** A handler of the HTTP port that answers the requests for its one path and passes every other message on. */
public abstract class PathEndpoint extends ChannelInboundHandlerAdapter {
    private final String path;

    protected PathEndpoint(String path) {
        this.path = path;
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)
                || !new QueryStringDecoder(request.uri()).path().equals(path)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            serve(ctx, request);
        } finally {
            request.release();
        }
    }

    /** A request for the path; it is released once this returns. */
    protected abstract void serve(ChannelHandlerContext ctx, FullHttpRequest request);
}
