package dev.chorus.server;

import dev.chorus.chat.admin.AdminRoutes;
import dev.chorus.chat.rooms.ChatRooms;
import dev.chorus.chat.web.AuthMode;
import dev.chorus.chat.web.AuthRoutes;
import dev.chorus.chat.web.SessionCookie;
import dev.chorus.chat.web.StaticFiles;
import dev.chorus.chat.web.WebRoot;
import dev.chorus.cluster.registry.NodeRegistry;
import dev.chorus.core.Chat;
import dev.chorus.core.account.Accounts;
import dev.chorus.core.account.PasswordHashing;
import dev.chorus.core.contact.Contacts;
import dev.chorus.core.limits.LoginThrottle;
import dev.chorus.core.limits.RequestLimits;
import dev.chorus.core.limits.UserConnections;
import dev.chorus.core.message.DirectQuota;
import dev.chorus.core.message.Recipients;
import dev.chorus.core.session.Sessions;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.eio.TransportName;
import dev.chorus.engine.http.CorsOptions;
import dev.chorus.engine.http.Networks;
import dev.chorus.engine.http.Refusals;
import dev.chorus.engine.http.Router;
import dev.chorus.engine.http.Routes;
import dev.chorus.engine.http.TrustedProxies;
import dev.chorus.engine.sio.RecoveryOptions;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import dev.chorus.server.config.Keys;
import dev.chorus.server.config.Settings;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Chorus node: its stores, its chat, its Socket.IO server and its HTTP listener. */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(5);
    /** How soon a change in the web root is served. */
    private static final Duration WEB_ROOT_RESCAN = Duration.ofSeconds(2);

    private final Backend backend;
    private final PasswordHashing hashing;
    private final SocketIoServer io;
    private final HttpServer http;
    /** Null when the node serves no XMPP. */
    private final XmppService xmpp;
    /** Shared by the clients' connections and Redis'. */
    private final EventLoopGroup loops;
    private final String nodeId;
    private final Drain drain;
    /** Null when no folder of the operator's is served. */
    private final WebRoot webRoot;
    private final NodeMetrics metrics;
    private final ScheduledFuture<?> sessionChecks;

    private Node(Backend backend, PasswordHashing hashing, SocketIoServer io, HttpServer http, XmppService xmpp,
            EventLoopGroup loops, String nodeId, Drain drain, WebRoot webRoot, NodeMetrics metrics,
            ScheduledFuture<?> sessionChecks) {
        this.backend = backend;
        this.hashing = hashing;
        this.io = io;
        this.http = http;
        this.xmpp = xmpp;
        this.loops = loops;
        this.nodeId = nodeId;
        this.drain = drain;
        this.webRoot = webRoot;
        this.metrics = metrics;
        this.sessionChecks = sessionChecks;
    }

    public static Node start(Settings settings) throws InterruptedException {
        return start(settings, "");
    }

    /**
     * A node of a cluster of its own: in a cluster's Redis, every key and channel it makes starts with
     * {@code namespace}, and they are deleted when it closes. It does not wait for Redis: unreachable, it fails.
     */
    static Node startPrivate(Settings settings, String namespace) throws InterruptedException {
        return start(settings, namespace);
    }

    private static Node start(Settings settings, String namespace) throws InterruptedException {
        Clock clock = Clock.systemUTC();
        // The web chat's files, read from the classpath now: no disk on the event loop.
        StaticFiles web = StaticFiles.fromClasspath(Node.class.getClassLoader(), "web");
        if (settings.get(Keys.WEB_CHAT) && !web.serves("/vendor/socket.io.min.js")) {
            log.warn("the web chat has no vendor/socket.io.min.js: build the chat module with Maven (npm ci)");
        }
        // Recovered sockets go through the login check again: their restored data still names the user of a
        // session that may have ended (logout, expiry) while they were away.
        RecoveryOptions recovery = new RecoveryOptions(settings.get(Keys.RECOVERY_WINDOW), false);
        String nodeId = NodeRegistry.newNodeId();
        Logging.nameNode(nodeId);
        String route = settings.get(Keys.ROUTE);
        if (settings.clustered() && (route == null || route.isBlank())) {
            log.warn("route sticky session cookie not set: using the node id {} as route (set --route)", nodeId);
            route = nodeId;
        }
        StartedParts parts = new StartedParts();
        try {
            WebRoot webRoot = settings.get(Keys.WEB_ROOT) == null ? null
                    : parts.add(openWebRoot(settings.get(Keys.WEB_ROOT)), WebRoot::close);
            EventLoopGroup loops = parts.add(EventLoops.create(settings.get(Keys.IO_THREADS)), Node::shutDown);
            NodeMetrics metrics = parts.add(new NodeMetrics(), NodeMetrics::close);
            metrics.watchLag(loops);
            // A node listens once it can serve: a proxy then finds a starting node's port closed, and sends even a
            // POST elsewhere. Only while it waits for Redis does it listen before, to say it is alive and not ready.
            String host = settings.get(Keys.HOST);
            int port = settings.get(Keys.PORT);
            String listenRoute = route;
            Refusals refusals = new Refusals(metrics.registry());
            ConnectionCap cap = new ConnectionCap(settings.get(Keys.MAX_CONNECTIONS), refusals);
            metrics.watchConnections(cap);
            RequestDeadlines deadlines = new RequestDeadlines(settings.get(Keys.REQUEST_TIMEOUT),
                    settings.get(Keys.IDLE_TIMEOUT), refusals);
            AtomicReference<HttpServer> early = new AtomicReference<>();
            Backend backend = parts.add(settings.clustered()
                    ? ClusterBackend.start(settings, namespace, recovery, clock, nodeId, route, loops,
                            metrics.registry(), namespace.isEmpty()
                                    ? () -> early.set(parts.add(HttpServer.bind(host, port, loops, listenRoute,
                                            deadlines, cap), HttpServer::close))
                                    : () -> {
                                        throw new IllegalStateException("Redis is not reachable");
                                    })
                    : new EmbeddedBackend(settings, recovery, clock, nodeId), Backend::close);
            HttpServer http = early.get() != null ? early.get()
                    : parts.add(HttpServer.bind(host, port, loops, route, deadlines, cap), HttpServer::close);
            PasswordHashing hashing = parts.add(PasswordHashing.forThisMachine(), PasswordHashing::close);

            ChatStores stores = backend.stores();
            Accounts accounts = new Accounts(stores.accounts(), hashing, clock);
            Sessions sessions = new Sessions(stores.sessions(), settings.get(Keys.SESSION_IDLE),
                    settings.get(Keys.SESSION_MAX), clock);
            SessionCookie cookie = new SessionCookie(settings.get(Keys.SESSION_COOKIE));
            TrustedProxies proxies = TrustedProxies.of(settings.get(Keys.TRUSTED_PROXIES));
            EngineOptions engine = backend.routeSessions(EngineOptions.builder()
                    .path("/socket.io")
                    .cors(CorsOptions.of(settings.get(Keys.CORS_ORIGIN), settings.get(Keys.CORS_CREDENTIALS)))
                    .trustedProxies(proxies)
                    .maxSessionsPerAddress(settings.get(Keys.MAX_SESSIONS_PER_ADDRESS))
                    .maxHandshakesInFlight(settings.get(Keys.MAX_HANDSHAKES_IN_FLIGHT))
                    .refusals(refusals)
                    .maxQueuedBytes(settings.get(Keys.MAX_QUEUED_BYTES))
                    .busyWriteDelay(settings.get(Keys.BUSY_WRITE_DELAY)))
                    .build();
            SocketIoServer io = parts.add(new SocketIoServer(SocketIoOptions.builder()
                    .engine(engine)
                    .recovery(recovery)
                    .adapterFactory(backend.adapterFactory())
                    .meterRegistry(metrics.registry())
                    .build()), SocketIoServer::close);
            RequestLimits requests = RequestLimits.of(stores.budgets(), new RequestLimits.Rate(
                    settings.get(Keys.REQUEST_RATE), settings.get(Keys.REQUEST_BURST)),
                    (user, kind) -> refusals.refuse("request-rate", "user " + user, "a " + kind.key() + " request"));
            Chat core = Chat.of(new Chat.Parts(sessions, stores.connections(), stores.presence(),
                    stores.roomSettings(), stores.history(),
                    stores.publishers().apply(io.sockets()), requests, recipients(settings.get(Keys.AUTH), accounts,
                    stores.connections()), new DirectQuota(stores.budgets(), settings.get(Keys.DIRECT_BYTES_PER_DAY))),
                    settings.get(Keys.MAX_MESSAGE_SIZE),
                    settings.get(Keys.MAX_ROOMS_PER_CONNECTION), clock, metrics.registry());
            ChatRooms chat = new ChatRooms(io.sockets(), core, cookie);
            // Sessions that expire or are deleted elsewhere take their sockets with them, as a logout does.
            long checkEvery = sessions.checkEvery().toMillis();
            ScheduledFuture<?> sessionChecks = parts.add(loops.next().scheduleAtFixedRate(sessions::checkHeld,
                    checkEvery, checkEvery, TimeUnit.MILLISECONDS), check -> check.cancel(false));
            chat.install();
            LoginThrottle throttle = new LoginThrottle(stores.budgets(), new LoginThrottle.Limits(
                    settings.get(Keys.LOGIN_FAILURES), settings.get(Keys.LOGIN_FAILURES_PER_ADDRESS),
                    settings.get(Keys.LOGIN_FAILURES_PER_ACCOUNT), settings.get(Keys.REGISTRATIONS_PER_ADDRESS)));
            metrics.watchHashing(hashing);
            AuthMode authMode = settings.get(Keys.AUTH);
            Contacts contacts = new Contacts(stores.contacts(), settings.get(Keys.MAX_CONTACTS_PER_USER));
            XmppService xmpp = !settings.get(Keys.XMPP) ? null : parts.add(XmppService.start(settings, loops,
                    core, accounts, contacts, stores.occupants(), nodeId, throttle, authMode == AuthMode.GUEST,
                    stores.connections(), cap, proxies, engine.cors(), backend.routeBosh(), backend.resumptions(), clock),
                    XmppService::close);
            if (xmpp != null) {
                xmpp.listen(io.sockets(), core);
                metrics.watchXmpp(xmpp::boundResources);
            }

            // The engine's requests are its own (its replies, its hand-over to WebSocket); the router takes the rest.
            List<Routes> routes = new ArrayList<>();
            routes.add(new OperationsGuard(Networks.of(settings.get(Keys.OPS_NETWORKS)), settings.get(Keys.OPS_TOKEN),
                    refusals));
            routes.add(new AuthRoutes(accounts, sessions, cookie, authMode, throttle, refusals, metrics.registry()));
            routes.add(new MetricsRoutes(metrics));
            // Names are only an admin's when passwords protect them.
            routes.add(new AdminRoutes(accounts, sessions, cookie, chat, backend::nodes,
                    StaticFiles.fromClasspath(Node.class.getClassLoader(), "admin"), authMode == AuthMode.PASSWORD));
            if (webRoot != null) {
                routes.add(webRoot.files());
            }
            if (settings.get(Keys.WEB_CHAT)) {
                if (xmpp != null) {
                    routes.add(xmpp.clientSettings(settings.get(Keys.XMPP_DOMAIN)));
                }
                routes.add(web);
            }
            routes.add(new NodeRoutes(() -> !io.engine().isClosed() && !io.engine().isDraining() && backend.isReady(),
                    backend::nodes));
            List<ChannelHandler> endpoints = xmpp == null ? List.of(io.httpHandler())
                    : List.of(xmpp.webSocketEndpoint(), xmpp.boshEndpoint(), io.httpHandler());
            http.serve(engine.maxHttpBufferSize(), endpoints, new Router(routes, engine.cors(), proxies, refusals));
            backend.announce(advertisedAddress(host, http.port()), () -> load(io));
            log.info("chorus node {} up on port {}: {}, {} event loops, auth {}, session cookie {}, recovery window {} s",
                    nodeId, http.port(), backend, EventLoops.describe(loops), authMode.name().toLowerCase(),
                    settings.get(Keys.SESSION_COOKIE), settings.get(Keys.RECOVERY_WINDOW).toSeconds());
            return new Node(backend, hashing, io, http, xmpp, loops, nodeId,
                    new Drain(io.engine(), settings.get(Keys.DRAIN_RATE), settings.get(Keys.DRAIN_TIMEOUT)), webRoot,
                    metrics, sessionChecks);
        } catch (InterruptedException | RuntimeException e) {
            parts.closeAll();
            throw e;
        }
    }

    /** Who may be sent a direct message: an account, or in guest mode also a guest who is online. */
    private static Recipients recipients(AuthMode mode, Accounts accounts, UserConnections connections) {
        Recipients registered = user -> accounts.find(user).thenApply(Optional::isPresent);
        return mode == AuthMode.PASSWORD ? registered : user -> connections.count(user)
                .thenCompose(online -> online > 0 ? CompletableFuture.completedFuture(true) : registered.exists(user));
    }

    private static WebRoot openWebRoot(Path folder) {
        try {
            return WebRoot.open(folder, WEB_ROOT_RESCAN);
        } catch (IOException e) {
            throw new UncheckedIOException("web root " + folder + " cannot be read", e);
        }
    }

    /** What a start has made so far: should it fail, each is closed, the latest first. */
    private static final class StartedParts {
        private final Deque<Runnable> closers = new ArrayDeque<>();

        <T> T add(T part, Consumer<T> close) {
            closers.push(() -> close.accept(part));
            return part;
        }

        void closeAll() {
            for (Runnable close = closers.poll(); close != null; close = closers.poll()) {
                try {
                    close.run();
                } catch (RuntimeException e) {
                    log.warn("a part of the node that failed to start could not be closed", e);
                }
            }
        }
    }

    /** What a node says of its load wherever the nodes are listed: its connections by transport, its sockets. */
    private static Map<String, Object> load(SocketIoServer io) {
        return Map.of("connections", Map.of(
                        "websocket", io.engine().countOn(TransportName.WEBSOCKET),
                        "polling", io.engine().countOn(TransportName.POLLING)),
                "sockets", io.sockets().sockets().size());
    }

    /**
     * The address other nodes reach this one at, and see in {@code GET /cluster}: the listening host, or this
     * machine's address when listening on all.
     */
    private static String advertisedAddress(String listeningHost, int port) {
        // An address, never a name: other nodes connect to it from their event loops, where no lookup may block.
        String host = listeningHost;
        try {
            host = host == null || host.isBlank() || "0.0.0.0".equals(host) || "::".equals(host)
                    ? InetAddress.getLocalHost().getHostAddress() : InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            host = InetAddress.getLoopbackAddress().getHostAddress();
        }
        return host + ":" + port;
    }

    public SocketIoServer io() {
        return io;
    }

    public int port() {
        return http.port();
    }

    /** The port XMPP clients connect to over TCP. */
    public int xmppPort() {
        if (xmpp == null) {
            throw new IllegalStateException("this node serves no XMPP");
        }
        return xmpp.port();
    }

    public String nodeId() {
        return nodeId;
    }

    /**
     * Hands this node's clients over to the other nodes (see {@link Drain}); {@link #close} afterwards. Blocks for
     * at most the drain timeout.
     */
    public void drain() throws InterruptedException {
        http.retireConnections();
        drain.run();
    }

    @Override
    public void close() {
        log.info("chorus node {} shutting down", nodeId);
        sessionChecks.cancel(false);
        io.close();
        http.close();
        if (xmpp != null) {
            xmpp.close();
        }
        try {
            backend.leave().get(LEAVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("node {} could not leave the cluster cleanly; the others will find it dead", nodeId, e);
        }
        hashing.close();
        backend.close();
        shutDown(loops);
        if (webRoot != null) {
            webRoot.close();
        }
        metrics.close();
    }

    private static void shutDown(EventLoopGroup loops) {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
