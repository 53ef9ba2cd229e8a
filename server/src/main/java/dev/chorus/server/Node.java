package dev.chorus.server;

import dev.chorus.chat.account.Accounts;
import dev.chorus.chat.admin.AdminHandler;
import dev.chorus.chat.limits.LoginThrottle;
import dev.chorus.chat.rooms.ChatRooms;
import dev.chorus.chat.session.Sessions;
import dev.chorus.chat.web.AuthApiHandler.AuthMode;
import dev.chorus.chat.web.AuthApiHandler;
import dev.chorus.chat.web.SessionCookie;
import dev.chorus.chat.web.StaticFilesHandler;
import dev.chorus.chat.web.WebRoot;
import dev.chorus.cluster.registry.NodeRegistry;
import dev.chorus.engine.eio.CorsOptions;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.eio.TransportName;
import dev.chorus.engine.sio.RecoveryOptions;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Chorus node: its stores, its chat, its Socket.IO server and its HTTP listener. */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    /** Failed logins allowed per account, and per client address, in {@link #LOGIN_THROTTLE_WINDOW}. */
    private static final int LOGIN_FAILURES_PER_ACCOUNT = 5;
    private static final int LOGIN_FAILURES_PER_ADDRESS = 20;
    private static final Duration LOGIN_THROTTLE_WINDOW = Duration.ofMinutes(15);
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(5);
    /** How soon a change in the web root is served. */
    private static final Duration WEB_ROOT_RESCAN = Duration.ofSeconds(2);

    private final Backend backend;
    private final ExecutorService hashing;
    private final SocketIoServer io;
    private final HttpServer http;
    /** Shared by the clients' connections and Redis'. */
    private final EventLoopGroup loops;
    private final String nodeId;
    private final Drain drain;
    /** Null when no folder of the operator's is served. */
    private final WebRoot webRoot;
    private final NodeMetrics metrics;

    /**
     * Everything a node is started with; {@code ./chorus serve --help} documents each. A null {@code redisUrl}
     * runs the node alone on its embedded store; a null {@code route} means the node id.
     */
    public record Settings(String host, int port, Path dataDir, AuthMode authMode, String sessionCookieName,
            boolean trustProxy, Duration sessionIdleTimeout, Duration sessionAbsoluteTimeout, int historyPerRoom,
            int maxMessageBytes, int maxConnectionsPerUser, double messagesPerSecond, int messageBurst,
            List<String> corsOrigins, boolean corsCredentials, Duration recoveryWindow, String redisUrl,
            String route, Duration historyMaxAge, Duration drainTimeout, int drainRate, int ioThreads, Path webRoot,
            boolean webChat) {
        /** A single node's settings: no Redis, no route, history kept for 30 days, a thread per core. */
        public Settings(String host, int port, Path dataDir, AuthMode authMode, String sessionCookieName,
                boolean trustProxy, Duration sessionIdleTimeout, Duration sessionAbsoluteTimeout, int historyPerRoom,
                int maxMessageBytes, int maxConnectionsPerUser, double messagesPerSecond, int messageBurst,
                List<String> corsOrigins, boolean corsCredentials, Duration recoveryWindow) {
            this(host, port, dataDir, authMode, sessionCookieName, trustProxy, sessionIdleTimeout,
                    sessionAbsoluteTimeout, historyPerRoom, maxMessageBytes, maxConnectionsPerUser, messagesPerSecond,
                    messageBurst, corsOrigins, corsCredentials, recoveryWindow, null, null, Duration.ofDays(30),
                    Duration.ofSeconds(30), 1000, 0, null, true);
        }

        public Settings inCluster(String url, String routeId) {
            return new Settings(host, port, dataDir, authMode, sessionCookieName, trustProxy, sessionIdleTimeout,
                    sessionAbsoluteTimeout, historyPerRoom, maxMessageBytes, maxConnectionsPerUser, messagesPerSecond,
                    messageBurst, corsOrigins, corsCredentials, recoveryWindow, url, routeId, historyMaxAge,
                    drainTimeout, drainRate, ioThreads, webRoot, webChat);
        }

        /** The same with an operator's folder of files served at {@code /}, with or without the web chat. */
        public Settings withWebRoot(Path folder, boolean withWebChat) {
            return new Settings(host, port, dataDir, authMode, sessionCookieName, trustProxy, sessionIdleTimeout,
                    sessionAbsoluteTimeout, historyPerRoom, maxMessageBytes, maxConnectionsPerUser, messagesPerSecond,
                    messageBurst, corsOrigins, corsCredentials, recoveryWindow, redisUrl, route, historyMaxAge,
                    drainTimeout, drainRate, ioThreads, folder, withWebChat);
        }

        boolean clustered() {
            return redisUrl != null && !redisUrl.isBlank();
        }
    }

    private Node(Backend backend, ExecutorService hashing, SocketIoServer io, HttpServer http, EventLoopGroup loops,
            String nodeId, Drain drain, WebRoot webRoot, NodeMetrics metrics) {
        this.backend = backend;
        this.hashing = hashing;
        this.io = io;
        this.http = http;
        this.loops = loops;
        this.nodeId = nodeId;
        this.drain = drain;
        this.webRoot = webRoot;
        this.metrics = metrics;
    }

    public static Node start(Settings settings) throws InterruptedException {
        Clock clock = Clock.systemUTC();
        // The web chat's files, read from the classpath now: no disk on the event loop.
        StaticFilesHandler web = StaticFilesHandler.fromClasspath(Node.class.getClassLoader(), "web");
        if (settings.webChat() && !web.serves("/vendor/socket.io.min.js")) {
            log.warn("the web chat has no vendor/socket.io.min.js: build the chat module with Maven (npm ci)");
        }
        WebRoot webRoot = null;
        if (settings.webRoot() != null) {
            try {
                webRoot = WebRoot.open(settings.webRoot(), WEB_ROOT_RESCAN);
            } catch (IOException e) {
                throw new UncheckedIOException("web root " + settings.webRoot() + " cannot be read", e);
            }
        }
        // Recovered sockets go through the login check again: their restored data still names the user of a
        // session that may have ended (logout, expiry) while they were away.
        RecoveryOptions recovery = new RecoveryOptions(settings.recoveryWindow(), false);
        String nodeId = NodeRegistry.newNodeId();
        Logging.nameNode(nodeId);
        String route = settings.route();
        if (settings.clustered() && (route == null || route.isBlank())) {
            log.warn("route sticky session cookie not set: using the node id {} as route (set --route)", nodeId);
            route = nodeId;
        }
        EventLoopGroup loops = EventLoops.create(settings.ioThreads());
        NodeMetrics metrics = new NodeMetrics();
        metrics.watchLag(loops);
        // A node listens once it can serve: a proxy then finds a starting node's port closed, and sends even a POST
        // elsewhere. Only while it waits for Redis does it listen before, to say it is alive and not ready.
        AtomicReference<HttpServer> early = new AtomicReference<>();
        Backend backend;
        HttpServer http;
        try {
            String listenRoute = route;
            backend = settings.clustered()
                    ? ClusterBackend.start(settings, recovery, clock, nodeId, route, loops, metrics.registry(),
                            () -> early.set(HttpServer.bind(settings.host(), settings.port(), loops, listenRoute)))
                    : new EmbeddedBackend(settings, recovery, clock, nodeId);
            http = early.get() != null ? early.get() : HttpServer.bind(settings.host(), settings.port(), loops, route);
        } catch (InterruptedException | RuntimeException e) {
            if (early.get() != null) {
                early.get().close();
            }
            shutDown(loops);
            closeWebRoot(webRoot);
            metrics.close();
            throw e;
        }

        ExecutorService hashing = passwordHashingPool();
        SocketIoServer io = null;
        try {
            ChatStores stores = backend.stores();
            Accounts accounts = new Accounts(stores.accounts(), hashing, clock);
            Sessions sessions = new Sessions(stores.sessions(), settings.sessionIdleTimeout(),
                    settings.sessionAbsoluteTimeout(), clock);
            SessionCookie cookie = new SessionCookie(settings.sessionCookieName(), settings.trustProxy());
            EngineOptions engine = backend.routeSessions(EngineOptions.builder()
                    .path("/socket.io")
                    .cors(CorsOptions.of(settings.corsOrigins(), settings.corsCredentials())))
                    .build();
            io = new SocketIoServer(SocketIoOptions.builder()
                    .engine(engine)
                    .recovery(recovery)
                    .adapterFactory(backend.adapterFactory())
                    .meterRegistry(metrics.registry())
                    .build());
            ChatRooms.Limits limits = new ChatRooms.Limits(settings.maxMessageBytes(), stores.connections());
            ChatRooms chat = new ChatRooms(io.sockets(), sessions, cookie, stores.history(), stores.presence(),
                    stores.publishers().apply(io.sockets()), clock, limits);
            chat.install();
            LoginThrottle throttle = new LoginThrottle(LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_ADDRESS,
                    LOGIN_THROTTLE_WINDOW, clock);
            AuthApiHandler auth = new AuthApiHandler(accounts, sessions, cookie, settings.authMode(), throttle,
                    settings.trustProxy(), metrics.registry());

            List<ChannelHandler> endpoints = new ArrayList<>();
            SocketIoServer server = io;
            endpoints.add(io.httpHandler());
            endpoints.add(auth);
            endpoints.add(new MetricsHandler(metrics));
            // Names are only an admin's when passwords protect them.
            endpoints.add(new AdminHandler(accounts, sessions, cookie, chat, backend::nodes,
                    StaticFilesHandler.fromClasspath(Node.class.getClassLoader(), "admin"),
                    settings.authMode() == AuthMode.PASSWORD));
            if (webRoot != null) {
                endpoints.add(webRoot.handler());
            }
            if (settings.webChat()) {
                endpoints.add(web);
            }
            http.serve(engine.maxHttpBufferSize(), endpoints,
                    new RoutesHandler(() -> !server.engine().isClosed() && !server.engine().isDraining()
                            && backend.isReady(), backend::nodes));
            backend.announce(advertisedAddress(settings.host(), http.port()), () -> load(server));
            log.info("chorus node {} up on port {}: {}, {} event loops, auth {}, session cookie {}, recovery window {} s",
                    nodeId, http.port(), backend, EventLoops.describe(), settings.authMode().name().toLowerCase(), settings.sessionCookieName(),
                    settings.recoveryWindow().toSeconds());
            return new Node(backend, hashing, io, http, loops, nodeId,
                    new Drain(io.engine(), settings.drainRate(), settings.drainTimeout()), webRoot, metrics);
        } catch (InterruptedException | RuntimeException e) {
            if (io != null) {
                io.close();
            }
            http.close();
            hashing.shutdownNow();
            backend.close();
            shutDown(loops);
            closeWebRoot(webRoot);
            metrics.close();
            throw e;
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

    /** Password hashes are slow on purpose: they get threads of their own, never an event loop. */
    static ExecutorService passwordHashingPool() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "chorus-password-hash");
            t.setDaemon(true);
            return t;
        });
    }

    public SocketIoServer io() {
        return io;
    }

    public int port() {
        return http.port();
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
        io.close();
        http.close();
        try {
            backend.leave().get(LEAVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("node {} could not leave the cluster cleanly; the others will find it dead", nodeId, e);
        }
        hashing.shutdownNow();
        backend.close();
        shutDown(loops);
        closeWebRoot(webRoot);
        metrics.close();
    }

    private static void closeWebRoot(WebRoot webRoot) {
        if (webRoot != null) {
            webRoot.close();
        }
    }

    private static void shutDown(EventLoopGroup loops) {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
