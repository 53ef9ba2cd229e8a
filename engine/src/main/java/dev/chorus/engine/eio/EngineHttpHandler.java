package dev.chorus.engine.eio;

import dev.chorus.engine.http.CorsOptions;
import dev.chorus.engine.http.HttpForwarding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one Engine.IO path: handshakes, long-polling GETs and POSTs, and WebSocket upgrades. Requests for other
 * paths go on down the pipeline. Refusals follow the reference server: a JSON error body over HTTP, a bare 400 on a
 * refused WebSocket upgrade.
 */
@ChannelHandler.Sharable
final class EngineHttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(EngineHttpHandler.class);

    /** The session whose long-poll this connection holds, so a dropped connection can be told to it. */
    static final AttributeKey<EngineSession> PENDING_POLL = AttributeKey.valueOf("chorus.eio.pendingPoll");

    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    private final EngineServer server;
    private final EngineOptions options;

    EngineHttpHandler(EngineServer server) {
        this.server = server;
        this.options = server.options();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (!path.equals(options.path()) && !(path + "/").equals(options.path())) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (request.decoderResult().isSuccess()) {
                handle(ctx, request, uri);
            } else {
                // A request the HTTP decoder could not read (a bad header, say) is refused whatever it asks for.
                HttpReplies.sendStatus(new HttpReplies.Exchange(ctx.channel(), false, null), CorsOptions.DISABLED,
                        HttpResponseStatus.BAD_REQUEST);
            }
        } finally {
            request.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        EngineSession waiting = ctx.channel().attr(PENDING_POLL).getAndSet(null);
        if (waiting != null) {
            HttpReplies.Exchange lost = new HttpReplies.Exchange(ctx.channel(), false, null);
            waiting.execute(() -> waiting.onPollConnectionLost(lost));
        }
        ctx.fireChannelInactive();
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        Channel channel = ctx.channel();
        boolean upgrade = HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE));
        HttpReplies.Exchange exchange = new HttpReplies.Exchange(channel, HttpUtil.isKeepAlive(request),
                request.headers().get(HttpHeaderNames.ORIGIN));

        if (!upgrade && request.method() == HttpMethod.OPTIONS && options.cors().enabled()) {
            preflight(exchange, request);
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!options.cors().permits(origin, request.headers().get(HttpHeaderNames.HOST))) {
            // A page elsewhere would act with the user's cookies (cross-site WebSocket hijacking).
            options.refusals().refuse("foreign-origin",
                    options.trustedProxies().clientAddress(channel.remoteAddress(), request.headers()),
                    (upgrade ? "a WebSocket upgrade" : "an Engine.IO request") + " from a page of " + origin);
            answerRefusal(exchange, upgrade, EngineError.FORBIDDEN, "Origin not allowed");
            return;
        }
        TransportName transport = TransportName.parse(param(uri, "transport"));
        if (transport == null || !options.transports().contains(transport)) {
            refuse(exchange, upgrade, EngineError.UNKNOWN_TRANSPORT, null);
            return;
        }
        String sid = param(uri, "sid");
        if (sid != null) {
            EngineSession session = server.session(sid);
            if (session == null) {
                forwardOrRefuse(channel, request, sid, exchange, upgrade);
            } else if (upgrade) {
                upgradeExisting(ctx, request, session);
            } else if (session.transportName() != transport) {
                refuse(exchange, false, EngineError.BAD_REQUEST, null);
            } else {
                polling(exchange, request, session, param(uri, "t"));
            }
            return;
        }
        if (request.method() != HttpMethod.GET) {
            refuse(exchange, upgrade, EngineError.BAD_HANDSHAKE_METHOD, null);
            return;
        }
        if (transport == TransportName.WEBSOCKET && !upgrade) {
            refuse(exchange, false, EngineError.BAD_REQUEST, null);
            return;
        }
        if (!"4".equals(param(uri, "EIO"))) {
            refuse(exchange, upgrade, EngineError.UNSUPPORTED_PROTOCOL_VERSION, null);
            return;
        }
        if (server.isClosed() || server.isDraining()) {
            refuse(exchange, upgrade, EngineError.DRAINING, server.isClosed() ? "Server is shutting down" : null);
            return;
        }
        EngineRequest engineRequest = new EngineRequest(request, channel.remoteAddress());
        String refusal = options.requestFilter().refusal(engineRequest);
        if (refusal != null) {
            refuse(exchange, upgrade, EngineError.FORBIDDEN, refusal);
            return;
        }
        if (server.handshakesInFlight() >= options.maxHandshakesInFlight()) {
            options.refusals().refuse("handshakes-in-flight", server.clientAddress(engineRequest),
                    "a handshake, " + server.handshakesInFlight() + " in flight");
            answerRefusal(exchange, upgrade, EngineError.BUSY, EngineError.BUSY.message());
            return;
        }
        EngineSession session = server.open(channel.eventLoop(), engineRequest);
        if (session == null) {
            String client = server.clientAddress(engineRequest);
            options.refusals().refuse("sessions-per-address", client, "a handshake, " + server.sessionsOf(client)
                    + " sessions open");
            answerRefusal(exchange, upgrade, EngineError.TOO_MANY_SESSIONS, EngineError.TOO_MANY_SESSIONS.message());
        } else if (upgrade) {
            handshakeWebSocket(ctx, request, session);
        } else {
            session.start(new PollingTransport(session), sessionCookie(session));
            session.onPoll(exchange);
        }
    }

    /** @param requestId the client's cache buster ({@code t}), the same when a proxy sends a request again */
    private void polling(HttpReplies.Exchange exchange, FullHttpRequest request, EngineSession session,
            String requestId) {
        if (request.method() == HttpMethod.GET) {
            session.execute(() -> session.onPoll(exchange, requestId));
            return;
        }
        if (request.method() != HttpMethod.POST) {
            HttpReplies.sendStatus(exchange, options.cors(), HttpResponseStatus.INTERNAL_SERVER_ERROR);
            return;
        }
        if (HttpHeaderValues.APPLICATION_OCTET_STREAM.contentEqualsIgnoreCase(
                request.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
            // The session ends before the reply goes out, so the client's next request already finds it gone.
            session.execute(() -> {
                session.onBadPayload(CloseReason.TRANSPORT_ERROR);
                HttpReplies.sendError(exchange, options.cors(), EngineError.BAD_REQUEST);
            });
            return;
        }
        if (request.content().readableBytes() > options.maxHttpBufferSize()) {
            HttpReplies.sendStatus(exchange, options.cors(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        String body = request.content().toString(StandardCharsets.UTF_8);
        List<InboundPacket> packets;
        try {
            packets = PacketCodec.decodePayload(body);
        } catch (ProtocolException e) {
            log.info("session {} from {}: closed on a bad polling payload: {}", session.id(),
                    session.request().remoteHost(), e.getMessage());
            session.execute(() -> {
                session.onBadPayload(CloseReason.PARSE_ERROR);
                HttpReplies.sendError(exchange, options.cors(), EngineError.BAD_REQUEST);
            });
            return;
        }
        session.execute(() -> {
            if (session.onPolledPackets(packets, requestId)) {
                HttpReplies.send(exchange, options.cors(), HttpResponseStatus.OK, "text/html",
                        Unpooled.wrappedBuffer(OK), null);
            } else {
                HttpReplies.sendError(exchange, options.cors(), EngineError.UNKNOWN_SID);
            }
        });
    }

    private void handshakeWebSocket(ChannelHandlerContext ctx, FullHttpRequest request, EngineSession session) {
        WebSocketTransport transport = new WebSocketTransport(session, ctx.channel());
        if (!completeUpgrade(ctx, request, transport, false, sessionCookie(session))) {
            server.remove(session);
            return;
        }
        session.start(transport, null);
    }

    private void upgradeExisting(ChannelHandlerContext ctx, FullHttpRequest request, EngineSession session) {
        WebSocketTransport candidate = new WebSocketTransport(session, ctx.channel());
        // Put to the session before the client hears the answer: whatever the client does next on another
        // connection (a second WebSocket, a poll) must find this one already in place.
        session.execute(() -> session.onUpgradeRequest(ctx.channel(), candidate));
        if (!completeUpgrade(ctx, request, candidate, true, null)) {
            session.execute(() -> session.onTransportClosed(candidate, CloseReason.TRANSPORT_ERROR));
        }
    }

    /**
     * Answers the upgrade and turns this connection's pipeline into a WebSocket one.
     *
     * @return false when the handshake was refused (and answered so)
     */
    private boolean completeUpgrade(ChannelHandlerContext ctx, FullHttpRequest request,
            WebSocketTransport transport, boolean probe, HttpHeaders extraHeaders) {
        String url = "ws://" + request.headers().get(HttpHeaderNames.HOST) + request.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, null, true,
                options.maxHttpBufferSize()).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return false;
        }
        try {
            handshaker.handshake(ctx.channel(), request, extraHeaders, ctx.channel().newPromise());
        } catch (WebSocketHandshakeException e) {
            // Thrown before anything is written or the pipeline changes, for a request without a key, for example.
            refuse(new HttpReplies.Exchange(ctx.channel(), false, null), true, EngineError.BAD_REQUEST,
                    e.getMessage());
            return false;
        }
        // RFC 6455 fails a connection whose text is not UTF-8 (1007); the frame decoder itself does not check.
        ctx.pipeline().addAfter(ctx.name(), "eio-ws-utf8", new Utf8FrameValidator());
        ctx.pipeline().addAfter("eio-ws-utf8", "eio-ws-aggregator",
                new WebSocketFrameAggregator(options.maxHttpBufferSize()));
        ctx.pipeline().addAfter("eio-ws-aggregator", "eio-ws", new WebSocketFrameHandler(transport, probe));
        ctx.pipeline().remove(this);
        return true;
    }

    private HttpHeaders sessionCookie(EngineSession session) {
        EngineOptions.SessionCookie cookie = options.sessionCookie();
        if (cookie == null) {
            return null;
        }
        DefaultCookie value = new DefaultCookie(cookie.name(), session.id());
        value.setPath(cookie.path());
        value.setHttpOnly(cookie.httpOnly());
        if (cookie.sameSite() != null) {
            value.setSameSite(CookieHeaderNames.SameSite.valueOf(cookie.sameSite()));
        }
        return new DefaultHttpHeaders().add(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.STRICT.encode(value));
    }

    private void preflight(HttpReplies.Exchange exchange, FullHttpRequest request) {
        HttpHeaders headers = options.cors().preflight(
                request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS));
        HttpReplies.send(exchange, options.cors(), HttpResponseStatus.NO_CONTENT, null, Unpooled.EMPTY_BUFFER, headers);
    }

    /**
     * A session this server does not hold: forwarded to the server that does, if the cluster knows a live one, else
     * unknown. Either way the answer is this engine's, its CORS headers included.
     */
    private void forwardOrRefuse(Channel channel, FullHttpRequest request, String sid, HttpReplies.Exchange exchange,
            boolean upgrade) {
        Runnable unknown = () -> refuse(exchange, upgrade, EngineError.UNKNOWN_SID, null);
        if (!HttpForwarding.toHolder(channel, request, () -> options.sessionHolders().holderOf(sid),
                exchange.keepAlive(), upgrade, unknown)) {
            unknown.run();
        }
    }

    private void refuse(HttpReplies.Exchange exchange, boolean upgrade, EngineError error, String message) {
        String text = message != null ? message : error.message();
        if (error == EngineError.UNKNOWN_SID || error == EngineError.DRAINING) {
            // Routine after a node restart or a balancer without affinity: the client reconnects by itself.
            log.debug("refused {} request from {}: {}", upgrade ? "upgrade" : "http",
                    exchange.channel().remoteAddress(), text);
        } else {
            options.refusals().refuse(error.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    String.valueOf(exchange.channel().remoteAddress()),
                    (upgrade ? "an upgrade" : "an Engine.IO request") + " (" + text + ")");
        }
        answerRefusal(exchange, upgrade, error, text);
    }

    private void answerRefusal(HttpReplies.Exchange exchange, boolean upgrade, EngineError error, String text) {
        if (upgrade) {
            ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
            HttpHeaders headers = new DefaultHttpHeaders();
            HttpReplies.send(new HttpReplies.Exchange(exchange.channel(), false, null), CorsOptions.DISABLED,
                    error.status(), "text/html", body, headers);
        } else {
            HttpReplies.sendError(exchange, options.cors(), error, text);
        }
    }

    private static String param(QueryStringDecoder uri, String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
