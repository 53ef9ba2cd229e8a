package dev.chorus.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/**
 * What a node that listens but cannot serve yet (it waits for Redis) answers: alive on {@code /health/live}, 503
 * with a Retry-After everywhere else, so that proxies and orchestrators leave it out but do not restart it. Every
 * answer closes its connection, announced: a proxy that keeps connections alive must not keep one to this stage.
 */
@ChannelHandler.Sharable
final class NotServingYet extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final NotServingYet INSTANCE = new NotServingYet();

    private NotServingYet() {
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean live = "/health/live".equals(new QueryStringDecoder(request.uri()).path());
        byte[] body = (live ? "{\"status\":\"ok\"}" : "{\"status\":\"starting\"}").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                live ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (!live) {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, 1);
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
