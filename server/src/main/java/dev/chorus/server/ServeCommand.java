package dev.chorus.server;

import dev.chorus.chat.web.AuthApiHandler.AuthMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chorus serve}: run a node. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run a Chorus node.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data", defaultValue = "data", paramLabel = "DIR",
            description = "Directory of the embedded store: accounts, sessions, history (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--auth", defaultValue = "password", paramLabel = "MODE",
            description = "Who may log in: 'password' (registered users) or 'guest' (anyone by name, no password) "
                    + "(default: ${DEFAULT-VALUE}).")
    AuthMode auth;

    @Option(names = "--session-cookie", defaultValue = "jsessionid", paramLabel = "NAME",
            description = "Name of the login session cookie (default: ${DEFAULT-VALUE}).")
    String sessionCookie;

    @Option(names = "--trust-proxy",
            description = "Believe X-Forwarded-Proto from the proxy in front (marks the cookie Secure over https).")
    boolean trustProxy;

    @Option(names = "--session-idle", defaultValue = "1440", paramLabel = "MINUTES",
            description = "A login session ends after this long unused (default: ${DEFAULT-VALUE}).")
    long sessionIdleMinutes;

    @Option(names = "--session-max", defaultValue = "720", paramLabel = "HOURS",
            description = "A login session ends this long after login, used or not (default: ${DEFAULT-VALUE}).")
    long sessionMaxHours;

    @Option(names = "--history-size", defaultValue = "1000", paramLabel = "N",
            description = "Messages kept per room (default: ${DEFAULT-VALUE}).")
    int historySize;

    @Option(names = "--max-message-size", defaultValue = "65536", paramLabel = "BYTES",
            description = "Largest chat message text accepted (default: ${DEFAULT-VALUE}).")
    int maxMessageSize;

    @Option(names = "--max-connections-per-user", defaultValue = "5", paramLabel = "N",
            description = "Connections one user may have open at once (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerUser;

    @Option(names = "--message-rate", defaultValue = "50", paramLabel = "PER_SECOND",
            description = "Messages a user may send per second, on average (default: ${DEFAULT-VALUE}).")
    double messageRate;

    @Option(names = "--message-burst", defaultValue = "100", paramLabel = "N",
            description = "Messages a user may send at once above the rate (default: ${DEFAULT-VALUE}).")
    int messageBurst;

    @Option(names = "--cors-origin", split = ",", paramLabel = "ORIGIN",
            description = "Origins allowed to connect from another site; '*' for any (default: none).")
    List<String> corsOrigins = List.of();

    @Option(names = "--cors-credentials", description = "Let cross-origin clients send cookies.")
    boolean corsCredentials;

    @Option(names = "--recovery-window", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long a disconnected client can come back and get what it missed (default: ${DEFAULT-VALUE}).")
    int recoveryWindowSeconds;

    @Option(names = "--redis", paramLabel = "URL",
            description = "Join the cluster in this Redis: redis://[:password@]host:port[/db], rediss:// for TLS. "
                    + "Accounts, sessions, history and presence then live there (default: none, a single node).")
    String redisUrl;

    @Option(names = "--route", paramLabel = "ID",
            description = "Route id this node names in the chorus_route cookie, for proxies with sticky sessions "
                    + "(default: the node id when clustered).")
    String route;

    @Option(names = "--history-max-age", defaultValue = "30", paramLabel = "DAYS",
            description = "In a cluster, room history older than this is dropped (default: ${DEFAULT-VALUE}).")
    int historyMaxAgeDays;

    @Option(names = "--drain-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "On SIGTERM, the longest the node spends handing its clients to the other nodes before it "
                    + "stops (default: ${DEFAULT-VALUE}).")
    int drainTimeoutSeconds;

    @Option(names = "--drain-rate", defaultValue = "1000", paramLabel = "PER_SECOND",
            description = "On SIGTERM, how many clients a second are handed over (default: ${DEFAULT-VALUE}).")
    int drainRate;

    @Option(names = "--io-threads", defaultValue = "0", paramLabel = "N",
            description = "Event loop threads, shared by the clients' connections and Redis'; 0 for one per core "
                    + "(default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Override
    public Integer call() throws Exception {
        Node node = Node.start(new Node.Settings(host, port, dataDir, auth, sessionCookie, trustProxy,
                Duration.ofMinutes(sessionIdleMinutes), Duration.ofHours(sessionMaxHours), historySize,
                maxMessageSize, maxConnectionsPerUser, messageRate, messageBurst, corsOrigins, corsCredentials,
                Duration.ofSeconds(recoveryWindowSeconds), redisUrl, route, Duration.ofDays(historyMaxAgeDays),
                Duration.ofSeconds(drainTimeoutSeconds), drainRate, ioThreads));
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM (a rolling restart, a scale-down): hand the clients over, then stop.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.drain();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                node.close();
                stopped.countDown();
            }
        }, "chorus-shutdown"));
        stopped.await();
        return 0;
    }
}
