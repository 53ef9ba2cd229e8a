package dev.chorus.server;

import dev.chorus.chat.rooms.HeardBroadcasts;
import dev.chorus.core.Chat;
import dev.chorus.core.account.Accounts;
import dev.chorus.core.contact.Contacts;
import dev.chorus.core.limits.LoginThrottle;
import dev.chorus.core.limits.UserConnections;
import dev.chorus.core.room.OccupantStore;
import dev.chorus.core.session.Admission;
import dev.chorus.engine.http.CorsOptions;
import dev.chorus.engine.http.TrustedProxies;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.server.config.Key;
import dev.chorus.server.config.Keys;
import dev.chorus.server.config.Settings;
import dev.chorus.xmpp.bosh.BoshEndpoint;
import dev.chorus.xmpp.bosh.BoshRouting;
import dev.chorus.xmpp.bosh.BoshSettings;
import dev.chorus.xmpp.http.Caller;
import dev.chorus.xmpp.stream.ResumptionStore;
import dev.chorus.xmpp.stream.Resumptions;
import dev.chorus.xmpp.stream.StreamServices;
import dev.chorus.xmpp.stream.StreamSettings;
import dev.chorus.xmpp.websocket.WebSocketEndpoint;
import dev.chorus.xmpp.xml.StreamError;
import dev.chorus.xmpp.xml.XmppStreamDecoder;
import dev.chorus.xmppface.XmppAuthenticator;
import dev.chorus.xmppface.XmppFace;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's XMPP face put together: its certificate, its streams' services, the TCP ports, and the WebSocket
 * endpoint the HTTP server serves.
 */
final class XmppService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(XmppService.class);
    static final String WEBSOCKET_PATH = "/xmpp-websocket";
    static final String BOSH_PATH = "/xmpp";
    /** BOSH requests held at once per session: what strophe.js and converse.js ask for. */
    private static final int BOSH_MAX_HOLD = 1;
    private static final Duration BOSH_POLLING = Duration.ofSeconds(2);
    /** The server-side event that carries a kick to the XMPP streams of the other nodes. */
    private static final String KICK = "chorus:xmpp-kick";
    /** The server-side event that carries a room's closing to the XMPP occupants of the other nodes. */
    private static final String CLOSE_ROOM = "chorus:xmpp-close-room";
    /** The server-side event that carries a stanza to the nodes where its addressee is connected. */
    private static final String ROUTE = "chorus:xmpp-route";
    /** The server-side event that carries news of the rooms' occupants and subjects to the other nodes. */
    private static final String ROOM_NEWS = "chorus:xmpp-room-news";
    /** RFC 6120 §6.4.5 asks for a configurable number between 2 and 5; Vines took 3. */
    private static final int MAX_SASL_FAILURES = 3;
    private static final Duration AUTH_DEADLINE = Duration.ofSeconds(60);
    private static final int MAX_DEPTH = 32;
    private static final int MAX_ATTRIBUTES = 64;
    /** Stanzas a managed session keeps unacknowledged: a client that reads but never acknowledges is cut off. */
    private static final int MAX_UNACKED = 5000;
    /** How long a stopping node waits for its sessions to be handed over: each is a write to Redis. */
    private static final Duration HAND_OVER_TIME = Duration.ofSeconds(5);

    private final XmppFace face;
    private final Resumptions resumptions;
    private final XmppListener starttls;
    private final XmppListener directTls;
    private final WebSocketEndpoint webSocket;
    private final BoshEndpoint bosh;

    private XmppService(XmppFace face, Resumptions resumptions, XmppListener starttls, XmppListener directTls,
            WebSocketEndpoint webSocket, BoshEndpoint bosh) {
        this.face = face;
        this.resumptions = resumptions;
        this.starttls = starttls;
        this.directTls = directTls;
        this.webSocket = webSocket;
        this.bosh = bosh;
    }

    static XmppService start(Settings settings, EventLoopGroup loops, Chat chat, Accounts accounts,
            Contacts contacts, OccupantStore seats, String nodeId, LoginThrottle throttle, boolean guests,
            UserConnections connections, ConnectionCap cap, TrustedProxies proxies, CorsOptions cors,
            BoshRouting boshRouting, ResumptionStore resumptionStore, Clock clock)
            throws InterruptedException {
        String domain = settings.get(Keys.XMPP_DOMAIN);
        XmppCertificates.Pair certificate = XmppCertificates.of(settings.get(Keys.XMPP_CERTIFICATE),
                settings.get(Keys.XMPP_CERTIFICATE_KEY), settings.get(Keys.DATA).resolve("xmpp"), domain);
        XmppFace face = new XmppFace(chat, contacts, seats, connections, domain, nodeId, clock);
        StreamServices services = new StreamServices(
                new StreamSettings(domain, settings.get(Keys.XMPP_TLS_REQUIRED), MAX_SASL_FAILURES, AUTH_DEADLINE,
                        settings.get(Keys.XMPP_PING_INTERVAL), settings.get(Keys.XMPP_STANZA_RATE),
                        settings.get(Keys.XMPP_STANZA_BURST), settings.get(Keys.XMPP_RESUME_WINDOW), MAX_UNACKED),
                new XmppAuthenticator(accounts, throttle, guests), face.binder(), new Resumptions(resumptionStore));
        XmppStreamDecoder.Limits limits = new XmppStreamDecoder.Limits(settings.get(Keys.XMPP_MAX_STANZA_SIZE),
                MAX_DEPTH, MAX_ATTRIBUTES);
        String host = settings.get(Keys.HOST);
        XmppListener starttls = listen(settings, Keys.XMPP_PORT, host, loops, services, null, certificate.startTls(),
                limits, cap);
        XmppListener directTls = null;
        try {
            if (settings.get(Keys.XMPP_TLS_PORT) != null) {
                directTls = listen(settings, Keys.XMPP_TLS_PORT, host, loops, services, certificate.directTls(),
                        null, limits, cap);
            }
        } catch (InterruptedException | RuntimeException e) {
            if (starttls != null) {
                starttls.close();
            }
            throw e;
        }
        BiFunction<Channel, HttpRequest, Caller> callers = (channel, request) -> {
            String client = proxies.clientAddress(channel.remoteAddress(), request.headers());
            boolean secure = proxies.secure(channel.remoteAddress(), request.headers())
                    || TrustedProxies.onThisMachine(client);
            return new Caller(client, secure, cors.permits(request.headers().get(HttpHeaderNames.ORIGIN),
                    request.headers().get(HttpHeaderNames.HOST)));
        };
        WebSocketEndpoint webSocket = new WebSocketEndpoint(WEBSOCKET_PATH, services, limits, callers);
        BoshEndpoint bosh = new BoshEndpoint(BOSH_PATH, services, new BoshSettings(domain,
                settings.get(Keys.XMPP_BOSH_WAIT), BOSH_MAX_HOLD, settings.get(Keys.XMPP_BOSH_INACTIVITY),
                BOSH_POLLING), limits, callers, cors::applyTo, boshRouting);
        XmppService xmpp = new XmppService(face, services.resumptions(), starttls, directTls, webSocket, bosh);
        log.info("XMPP for {} on {}{} and at {} on the HTTP port; certificate {}{}", domain,
                starttls == null ? "no TCP port" : "port " + starttls.port() + " (STARTTLS"
                        + (settings.get(Keys.XMPP_TLS_REQUIRED) ? " required)" : " offered)"),
                directTls == null ? "" : " and port " + directTls.port() + " (direct TLS)", WEBSOCKET_PATH,
                certificate.certificate(), certificate.selfSigned()
                        ? " (self-signed: for trials on this machine; set xmpp-certificate for real clients)" : "");
        return xmpp;
    }

    /**
     * Listens on the port of {@code key}. When that is the default and another process has it (a second node on
     * this machine), the node goes on without it and says so: a port someone chose must be had.
     *
     * @return null when the default port is taken
     */
    private static XmppListener listen(Settings settings, Key<Integer> key, String host, EventLoopGroup loops,
            StreamServices services, SslContext directTls, SslContext startTls, XmppStreamDecoder.Limits limits,
            ConnectionCap cap) throws InterruptedException {
        try {
            return XmppListener.start(host, settings.get(key), loops, loops, services, directTls, startTls, limits,
                    cap);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // Netty rethrows the bind's IOException unchecked.
            boolean inUse = e instanceof BindException
                    || String.valueOf(e.getMessage()).contains("Address already in use");
            if (settings.chosen(key) || !inUse) {
                throw e instanceof RuntimeException runtime ? runtime
                        : new UncheckedIOException("cannot listen on " + key.name() + " " + settings.get(key),
                                e instanceof IOException io ? io : new IOException(e));
            }
            log.warn("XMPP port {} is taken (another node on this machine?): this node serves XMPP at {} only; set "
                    + "{} to serve it over TCP too", settings.get(key), WEBSOCKET_PATH, key);
            return null;
        }
    }

    /**
     * Lets the face hear what reaches every node: the Socket.IO face's broadcasts (messages, comings and goings),
     * read back; kicks, rooms closed and stanzas for users connected elsewhere, as server-side events of the same
     * namespace (pub/sub, at most once, like the Node adapters' own); and the web chat's connections opening and
     * closing here, which are presence to the users' XMPP contacts.
     */
    void listen(Namespace sockets, Chat chat) {
        sockets.onBroadcast(HeardBroadcasts.by(face.messages(), face.roomEvents(), face::hasOccupantsIn));
        chat.admission().onConnections(new Admission.ConnectionListener() {
            @Override
            public void opened(String user, String connectionId) {
                face.webOpened(user, connectionId);
            }

            @Override
            public void closed(String user, String connectionId) {
                face.webClosed(user, connectionId);
            }
        });
        chat.admission().onKicked(user -> {
            face.kick(user);
            sockets.serverSideEmit(KICK, user);
        });
        sockets.onServerSideEmit(KICK, (args, ack) -> face.kick(args.get(0).asText()));
        chat.rooms().onClosed(room -> sockets.serverSideEmit(CLOSE_ROOM, room));
        sockets.onServerSideEmit(CLOSE_ROOM, (args, ack) -> face.closedElsewhere(args.get(0).asText()));
        face.routeElsewhere((jid, xml) -> sockets.serverSideEmit(ROUTE, jid, xml));
        sockets.onServerSideEmit(ROUTE, (args, ack) -> face.routed(args.get(0).asText(), args.get(1).asText()));
        face.roomNewsElsewhere(news -> sockets.serverSideEmit(ROOM_NEWS, news));
        sockets.onServerSideEmit(ROOM_NEWS, (args, ack) -> face.roomNews(args.get(0).asText()));
    }

    /** The endpoint that turns {@code /xmpp-websocket} upgrades into XMPP streams, for the HTTP pipeline. */
    ChannelHandler webSocketEndpoint() {
        return webSocket;
    }

    /** The endpoint of BOSH sessions at {@code /xmpp}, for the HTTP pipeline. */
    ChannelHandler boshEndpoint() {
        return bosh;
    }

    int boundResources() {
        return face.boundResources();
    }

    /** What the XMPP web client's page asks of this node, at {@code /xmpp-client/settings.json}. */
    XmppClientSettings clientSettings(String domain) {
        return new XmppClientSettings(domain, face.roomService());
    }

    /** The TCP port of STARTTLS streams; -1 when the default one was taken. */
    int port() {
        return starttls == null ? -1 : starttls.port();
    }

    /**
     * Stops listening, hands the sessions their clients may resume over to the other nodes (their connections
     * dropped, for the clients to resume them there), and ends the other streams bound here: their clients
     * reconnect, to another node if there is one.
     */
    @Override
    public void close() {
        if (starttls != null) {
            starttls.close();
        }
        if (directTls != null) {
            directTls.close();
        }
        try {
            resumptions.handOverAll().get(HAND_OVER_TIME.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("XMPP sessions not all handed over in {} s; the other nodes take them once this one is gone",
                    HAND_OVER_TIME.toSeconds(), e);
        }
        face.endAll(StreamError.SYSTEM_SHUTDOWN, "the server is stopping; reconnect");
        bosh.endAll();
    }
}
