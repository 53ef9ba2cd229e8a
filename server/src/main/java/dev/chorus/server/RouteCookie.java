package dev.chorus.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;

/**
 * The route cookie for proxies that keep a client on one node (the Vines {@code vroute} idea): every response
 * names this node's route, unless the request already carried it. Chorus does not need it — any node serves any
 * request — but a proxy that wants stickiness can key on it. One per connection: it keeps per-request state.
 */
final class RouteCookie extends ChannelDuplexHandler {
    static final String NAME = "chorus_route";

    private final String setCookie;
    private final String route;
    private boolean requestHadIt;

    RouteCookie(String route) {
        this.route = route;
        Cookie cookie = new DefaultCookie(NAME, route);
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        this.setCookie = ServerCookieEncoder.STRICT.encode(cookie);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            requestHadIt = carries(request);
        }
        ctx.fireChannelRead(msg);
    }

    private boolean carries(HttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return false;
        }
        for (Cookie cookie : ServerCookieDecoder.LAX.decode(header)) {
            if (NAME.equals(cookie.name()) && route.equals(cookie.value())) {
                return true;
            }
        }
        return false;
    }

    /** A response relayed from the node holding the session names that node's route; it is the right one. */
    private static boolean namesARoute(HttpResponse response) {
        for (String cookie : response.headers().getAll(HttpHeaderNames.SET_COOKIE)) {
            if (cookie.startsWith(NAME + "=")) {
                return true;
            }
        }
        return false;
    }

    /** Leaves the pipeline with the HTTP endpoints once the connection is a WebSocket ({@link HttpEndpointsLeave}). */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && !requestHadIt && !namesARoute(response)) {
            response.headers().add(HttpHeaderNames.SET_COOKIE, setCookie);
        }
        ctx.write(msg, promise);
    }
}
