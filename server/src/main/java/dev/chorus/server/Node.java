package dev.chorus.server;

import dev.chorus.chat.account.Accounts;
import dev.chorus.chat.limits.LoginThrottle;
import dev.chorus.chat.limits.RateLimiter;
import dev.chorus.chat.limits.LocalUserConnections;
import dev.chorus.chat.presence.LocalPresence;
import dev.chorus.chat.rooms.ChatRooms;
import dev.chorus.chat.session.Sessions;
import dev.chorus.chat.store.EmbeddedAccountStore;
import dev.chorus.chat.store.EmbeddedDatabase;
import dev.chorus.chat.store.EmbeddedHistoryStore;
import dev.chorus.chat.store.EmbeddedSessionStore;
import dev.chorus.chat.web.AuthApiHandler;
import dev.chorus.chat.web.AuthApiHandler.AuthMode;
import dev.chorus.chat.web.SessionCookie;
import dev.chorus.chat.web.StaticFilesHandler;
import dev.chorus.engine.eio.CorsOptions;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.sio.RecoveryOptions;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Chorus node: its stores, its chat, its Socket.IO server and its HTTP listener. */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    /** Failed logins allowed per account, and per client address, in {@link #LOGIN_THROTTLE_WINDOW}. */
    private static final int LOGIN_FAILURES_PER_ACCOUNT = 5;
    private static final int LOGIN_FAILURES_PER_ADDRESS = 20;
    private static final Duration LOGIN_THROTTLE_WINDOW = Duration.ofMinutes(15);

    private final EmbeddedDatabase database;
    private final ExecutorService hashing;
    private final SocketIoServer io;
    private final HttpServer http;

    /** Everything a node is started with; {@code ./chorus serve --help} documents each. */
    public record Settings(String host, int port, Path dataDir, AuthMode authMode, String sessionCookieName,
            boolean trustProxy, Duration sessionIdleTimeout, Duration sessionAbsoluteTimeout, int historyPerRoom,
            int maxMessageBytes, int maxConnectionsPerUser, double messagesPerSecond, int messageBurst,
            List<String> corsOrigins, boolean corsCredentials, Duration recoveryWindow) {
    }

    private Node(EmbeddedDatabase database, ExecutorService hashing, SocketIoServer io, HttpServer http) {
        this.database = database;
        this.hashing = hashing;
        this.io = io;
        this.http = http;
    }

    public static Node start(Settings settings) throws InterruptedException {
        Clock clock = Clock.systemUTC();
        // The web chat's files, read from the classpath now: no disk on the event loop.
        StaticFilesHandler web = StaticFilesHandler.fromClasspath(Node.class.getClassLoader(), "web");
        if (!web.serves("/vendor/socket.io.min.js")) {
            log.warn("the web chat has no vendor/socket.io.min.js: build the chat module with Maven (npm ci)");
        }

        EmbeddedDatabase database = EmbeddedDatabase.open(settings.dataDir());
        ExecutorService hashing = passwordHashingPool();
        Accounts accounts = new Accounts(new EmbeddedAccountStore(database), hashing, clock);
        Sessions sessions = new Sessions(new EmbeddedSessionStore(database), settings.sessionIdleTimeout(),
                settings.sessionAbsoluteTimeout(), clock);
        SessionCookie cookie = new SessionCookie(settings.sessionCookieName(), settings.trustProxy());

        EngineOptions engine = EngineOptions.builder()
                .path("/socket.io")
                .cors(CorsOptions.of(settings.corsOrigins(), settings.corsCredentials()))
                .build();
        SocketIoServer io = new SocketIoServer(SocketIoOptions.builder()
                .engine(engine)
                // Recovered sockets go through the login check again: their restored data still names the user
                // of a session that may have ended (logout, expiry) while they were away.
                .recovery(new RecoveryOptions(settings.recoveryWindow(), false))
                .build());
        ChatRooms.Limits limits = new ChatRooms.Limits(settings.maxMessageBytes(),
                new LocalUserConnections(settings.maxConnectionsPerUser()),
                new RateLimiter(settings.messagesPerSecond(), settings.messageBurst(), clock));
        new ChatRooms(io.sockets(), sessions, cookie, new EmbeddedHistoryStore(database, settings.historyPerRoom()),
                new LocalPresence(), clock, limits).install();
        LoginThrottle throttle = new LoginThrottle(LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_ADDRESS,
                LOGIN_THROTTLE_WINDOW, clock);
        AuthApiHandler auth = new AuthApiHandler(accounts, sessions, cookie, settings.authMode(), throttle,
                settings.trustProxy());

        HttpServer http;
        try {
            http = HttpServer.start(settings.host(), settings.port(), 0, engine.maxHttpBufferSize(),
                    List.of(io.httpHandler(), auth, web), new RoutesHandler(() -> !io.engine().isClosed()));
        } catch (InterruptedException | RuntimeException e) {
            io.close();
            hashing.shutdownNow();
            database.close();
            throw e;
        }
        log.info("chorus node up on port {}: data in {}, auth {}, session cookie {}, recovery window {} s",
                http.port(), settings.dataDir().toAbsolutePath(), settings.authMode().name().toLowerCase(),
                settings.sessionCookieName(), settings.recoveryWindow().toSeconds());
        return new Node(database, hashing, io, http);
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

    @Override
    public void close() {
        log.info("chorus node shutting down");
        io.close();
        http.close();
        hashing.shutdownNow();
        database.close();
    }
}
