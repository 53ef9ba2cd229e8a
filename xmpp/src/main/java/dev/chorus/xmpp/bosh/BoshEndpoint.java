package dev.chorus.xmpp.bosh;

import dev.chorus.xmpp.http.Caller;
import dev.chorus.xmpp.http.PathEndpoint;
import dev.chorus.xmpp.stream.StreamServices;
import dev.chorus.xmpp.xml.StreamError;
import dev.chorus.xmpp.xml.StreamErrorException;
import dev.chorus.xmpp.xml.StreamEvent;
import dev.chorus.xmpp.xml.XmlElement;
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
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where XMPP clients tunnel their streams through HTTP (BOSH, XEP-0124 and XEP-0206) on the HTTP port: a POST of one
 * {@code <body/>} at its path is a request of a session, or creates one; every other request passes on. Sessions
 * live on the event loop of the request that created them.
 */
@ChannelHandler.Sharable
public final class BoshEndpoint extends PathEndpoint {
    private static final Logger log = LoggerFactory.getLogger(BoshEndpoint.class);
    private static final String XML = "text/xml; charset=utf-8";

    private final StreamServices services;
    private final BoshSettings settings;
    private final XmppStreamDecoder.Limits limits;
    private final BiFunction<Channel, HttpRequest, Caller> callers;
    private final BiConsumer<HttpHeaders, String> cors;
    private final BoshRouting routing;
    private final Map<String, BoshSession> sessions = new ConcurrentHashMap<>();

    /**
     * @param callers who each request comes from, and whether it may use a session at all
     * @param cors    adds the headers that let a page of an allowed origin read an answer
     * @param routing where the sessions of other nodes are
     */
    public BoshEndpoint(String path, StreamServices services, BoshSettings settings, XmppStreamDecoder.Limits limits,
            BiFunction<Channel, HttpRequest, Caller> callers, BiConsumer<HttpHeaders, String> cors,
            BoshRouting routing) {
        super(path);
        this.services = services;
        this.settings = settings;
        this.limits = limits;
        this.callers = callers;
        this.cors = cors;
        this.routing = routing;
    }

    @Override
    protected void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        Caller caller = callers.apply(ctx.channel(), request);
        if (!caller.permitted()) {
            reply(ctx, HttpResponseStatus.FORBIDDEN, "text/plain; charset=utf-8", "origin not allowed\n", origin,
                    keepAlive);
            return;
        }
        if (request.method().equals(HttpMethod.OPTIONS)) {
            FullHttpResponse preflight = response(ctx, HttpResponseStatus.NO_CONTENT, null, "", origin);
            preflight.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST, OPTIONS")
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
                    .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400");
            write(ctx, preflight, keepAlive);
            return;
        }
        if (!request.method().equals(HttpMethod.POST)) {
            reply(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                    "BOSH takes POST requests of one <body/> (XEP-0124)\n", origin, keepAlive);
            return;
        }
        XmlElement body;
        try {
            body = read(request);
        } catch (StreamErrorException e) {
            log.info("BOSH request from {} refused: {}", caller.address(), e.getMessage());
            reply(ctx, HttpResponseStatus.BAD_REQUEST, XML, BoshSession.terminate("bad-request", null), origin,
                    keepAlive);
            return;
        }
        BoshSession.Held held = answer -> reply(ctx, HttpResponseStatus.OK, XML, answer, origin, keepAlive);
        long rid = rid(body);
        if (rid < 0) {
            held.answer(BoshSession.terminate("bad-request", null));
            return;
        }
        String sid = body.attribute("sid");
        if (sid == null) {
            create(ctx, caller, body, rid, held);
            return;
        }
        BoshSession session = sessions.get(sid);
        if (session == null) {
            Runnable unknown = () -> held.answer(BoshSession.terminate("item-not-found", null));
            if (!routing.passOn(ctx.channel(), request, sid, unknown)) {
                unknown.run();
            }
            return;
        }
        session.executor().execute(() -> session.request(rid, body, held));
    }

    private void create(ChannelHandlerContext ctx, Caller caller, XmlElement body, long rid, BoshSession.Held held) {
        String to = body.attribute("to");
        if (to != null && !to.equalsIgnoreCase(settings.domain())) {
            held.answer(BoshSession.terminate("host-unknown", null));
            return;
        }
        String sid = routing.newSid();
        BoshSession session = new BoshSession(sid, ctx.channel().eventLoop(), caller, settings, services, body, rid,
                held, ended -> sessions.remove(ended.sid(), ended));
        sessions.put(sid, session);
    }

    /** The request's one {@code <body/>}, read with the stream's limits. */
    private XmlElement read(FullHttpRequest request) {
        XmppStreamDecoder decoder = new XmppStreamDecoder(limits);
        List<Object> events = new ArrayList<>();
        // A duplicate: the request may yet be passed on, whole, to the node holding its session.
        decoder.read(request.content().duplicate(), events);
        if (events.isEmpty() || !(events.get(0) instanceof StreamEvent.Opened opened)
                || !(events.get(events.size() - 1) instanceof StreamEvent.Closed)) {
            throw new StreamErrorException(StreamError.BAD_FORMAT, "not one whole <body/>");
        }
        XmlElement root = opened.root();
        if (!root.is("body", BoshSession.HTTPBIND)) {
            throw new StreamErrorException(StreamError.INVALID_NAMESPACE,
                    "not a BOSH <body/>: " + root.name());
        }
        List<Object> stanzas = new ArrayList<>();
        for (Object event : events.subList(1, events.size() - 1)) {
            stanzas.add(((StreamEvent.Stanza) event).element());
        }
        return new XmlElement(root.name(), root.namespace(), root.attributes(), stanzas);
    }

    private static long rid(XmlElement body) {
        try {
            long rid = Long.parseLong(body.attribute("rid"));
            return rid > 0 && rid < (1L << 53) ? rid : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void reply(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String content,
            String origin, boolean keepAlive) {
        write(ctx, response(ctx, status, type, content, origin), keepAlive);
    }

    private FullHttpResponse response(ChannelHandlerContext ctx, HttpResponseStatus status, String type,
            String content, String origin) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(ctx.alloc(), content));
        if (type != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        }
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        cors.accept(response.headers(), origin);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        return response;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Ends every session: the node stops. */
    public void endAll() {
        sessions.values().forEach(session -> session.executor().execute(() -> session.end("system-shutdown")));
    }
}
