package dev.chorus.engine.http;

import io.netty.buffer.ByteBufUtil;
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
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP requests that are not the wire protocol's, at the end of the pipeline: the path decoded once, handed to
 * each {@link Routes} in turn until one takes it, and its {@link Reply} written here — the one place that decides
 * the length, keep-alive, {@code HEAD} and CORS (the origins the engine allows may call the APIs too, preflight
 * included). A request that could change something (not GET, HEAD or OPTIONS) from a page of a foreign origin is
 * refused with 403 before any route sees it. The router owns the request and releases it before any route runs; 404
 * when no route takes it, 400 when its path cannot be decoded, 500 (logged once) when a route fails.
 */
@ChannelHandler.Sharable
public final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final List<Routes> routes;
    private final CorsOptions cors;
    private final TrustedProxies proxies;
    private final Refusals refusals;

    public Router(List<Routes> routes) {
        this(routes, CorsOptions.DISABLED, TrustedProxies.NONE, Refusals.uncounted());
    }

    public Router(List<Routes> routes, CorsOptions cors, TrustedProxies proxies, Refusals refusals) {
        this.routes = List.copyOf(routes);
        this.cors = cors;
        this.proxies = proxies;
        this.refusals = refusals;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = request.method() == HttpMethod.HEAD;
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (request.method() == HttpMethod.OPTIONS && cors.enabled() && origin != null) {
            Reply preflight = Reply.empty(HttpResponseStatus.NO_CONTENT);
            preflight.headers().add(cors.preflight(
                    request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS)));
            write(ctx, keepAlive, false, preflight, origin);
            return;
        }
        if (!isSafe(request.method()) && !cors.permits(origin, request.headers().get(HttpHeaderNames.HOST))) {
            // A page elsewhere would post with the user's cookies (CSRF, login CSRF).
            refusals.refuse("foreign-origin", proxies.clientAddress(ctx.channel().remoteAddress(), request.headers()),
                    request.method() + " " + new QueryStringDecoder(request.uri()).rawPath() + " from a page of "
                            + origin);
            write(ctx, keepAlive, head, Reply.error(HttpResponseStatus.FORBIDDEN, "cross-origin request refused"),
                    origin);
            return;
        }
        RouteRequest call;
        try {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            SocketAddress peer = ctx.channel().remoteAddress();
            call = new RouteRequest(request.method(), uri.path(), uri.parameters(), request.headers(),
                    ByteBufUtil.getBytes(request.content()), peer, proxies.clientAddress(peer, request.headers()),
                    proxies.secure(peer, request.headers()));
        } catch (IllegalArgumentException e) {
            write(ctx, keepAlive, head, Reply.error(HttpResponseStatus.BAD_REQUEST, "the path cannot be decoded"),
                    origin);
            return;
        }
        CompletableFuture<Reply> reply = route(call);
        reply.whenComplete((done, error) -> {
            if (error != null) {
                log.warn("{} {} from {} failed", call.method(), call.path(), call.client(), error);
                done = Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
            }
            write(ctx, keepAlive, head, done, origin);
        });
    }

    /** Methods that change nothing: a page anywhere may send them, as it may link to the node. */
    private static boolean isSafe(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
    }

    private CompletableFuture<Reply> route(RouteRequest call) {
        try {
            for (Routes candidate : routes) {
                CompletableFuture<Reply> reply = candidate.serve(call);
                if (reply != null) {
                    return reply;
                }
            }
            return CompletableFuture.completedFuture(Reply.error(HttpResponseStatus.NOT_FOUND, "not found"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void write(ChannelHandlerContext ctx, boolean keepAlive, boolean head, Reply reply, String origin) {
        byte[] body = reply.body();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(),
                head || body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers().set(reply.headers());
        cors.applyTo(response.headers(), origin);
        if (reply.status() != HttpResponseStatus.NOT_MODIFIED) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
