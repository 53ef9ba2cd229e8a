package dev.chorus.xmpp.websocket;

import dev.chorus.xmpp.http.Caller;
import dev.chorus.xmpp.http.PathEndpoint;
import dev.chorus.xmpp.stream.StreamServices;
import dev.chorus.xmpp.xml.XmppStreamDecoder;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.function.BiFunction;

/**
 * Where XMPP clients open WebSocket streams (RFC 7395) on the HTTP port: an upgrade at its path that offers the
 * {@code xmpp} subprotocol becomes a {@link WebSocketStreamHandler}; every other request passes on.
 */
@ChannelHandler.Sharable
public final class WebSocketEndpoint extends PathEndpoint {
    public static final String SUBPROTOCOL = "xmpp";

    private final StreamServices services;
    private final XmppStreamDecoder.Limits limits;
    private final BiFunction<Channel, HttpRequest, Caller> callers;

    /** @param callers who each request comes from, and whether it may open a stream */
    public WebSocketEndpoint(String path, StreamServices services, XmppStreamDecoder.Limits limits,
            BiFunction<Channel, HttpRequest, Caller> callers) {
        super(path);
        this.services = services;
        this.limits = limits;
        this.callers = callers;
    }

    @Override
    protected void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "XMPP over WebSocket only (RFC 7395)\n");
            return;
        }
        String offered = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "");
        boolean xmpp = false;
        for (String protocol : offered.split(",")) {
            xmpp |= protocol.trim().equals(SUBPROTOCOL);
        }
        if (!xmpp) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "the xmpp subprotocol is required (RFC 7395)\n");
            return;
        }
        Caller caller = callers.apply(ctx.channel(), request);
        if (!caller.permitted()) {
            refuse(ctx, request, HttpResponseStatus.FORBIDDEN, "origin not allowed\n");
            return;
        }
        String url = "ws://" + request.headers().get(HttpHeaderNames.HOST) + request.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, SUBPROTOCOL, false,
                limits.maxStanzaBytes()).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        try {
            handshaker.handshake(ctx.channel(), request);
        } catch (WebSocketHandshakeException e) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
            return;
        }
        ctx.pipeline().addAfter(ctx.name(), "xmpp-ws-utf8", new Utf8FrameValidator());
        ctx.pipeline().addAfter("xmpp-ws-utf8", "xmpp-ws-aggregator",
                new WebSocketFrameAggregator(limits.maxStanzaBytes()));
        ctx.pipeline().addAfter("xmpp-ws-aggregator", "xmpp-ws", new WebSocketStreamHandler(services, caller,
                limits));
        ctx.pipeline().remove(this);
    }

    private static void refuse(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
            String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(ctx.alloc(), text));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
