package dev.chorus.server.config;

import static dev.chorus.server.config.Readers.bool;
import static dev.chorus.server.config.Readers.choice;
import static dev.chorus.server.config.Readers.duration;
import static dev.chorus.server.config.Readers.integer;
import static dev.chorus.server.config.Readers.list;
import static dev.chorus.server.config.Readers.path;
import static dev.chorus.server.config.Readers.positiveDecimal;
import static dev.chorus.server.config.Readers.text;
import static dev.chorus.server.config.Readers.writeDuration;

import dev.chorus.chat.web.AuthMode;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.engine.http.Networks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of a node, in the order {@code ./chorus config} and docs/configuration.md list them. The one
 * place a setting is declared: its flag, environment variable, file key, default and help all come from here.
 */
public final class Keys {
    /** A cookie name is an RFC 6265 token. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern ORIGIN = Pattern.compile("https?://[^/\\s]+");
    private static final Pattern URL_PASSWORD = Pattern.compile("^([a-z][a-z0-9+.-]*://)([^/]*)@");

    /** How a node's log lines are written. */
    public enum LogFormat { TEXT, JSON }

    /** The levels a log can be set to, most to least verbose. */
    public enum LogLevel { TRACE, DEBUG, INFO, WARN, ERROR, OFF }

    public static final Key<String> HOST = new Key<>("host", "ADDRESS", "Address to listen on.",
            "0.0.0.0", text(), Function.identity(), false);
    public static final Key<Integer> PORT = new Key<>("port", "PORT", "Port to listen on; 0 for any free one.",
            8080, integer(0, 65535), String::valueOf, false);
    public static final Key<Path> DATA = new Key<>("data", "DIR",
            "Directory of the embedded store: accounts, sessions, history (a single node).",
            Path.of("data"), path(), Path::toString, false);
    public static final Key<AuthMode> AUTH = new Key<>("auth", "MODE",
            "Who may log in: 'password' (registered users) or 'guest' (anyone by name, no password).",
            AuthMode.PASSWORD, choice(AuthMode.class), Readers::choiceName, false);
    public static final Key<String> SESSION_COOKIE = new Key<>("session-cookie", "NAME",
            "Name of the login session cookie.", "jsessionid", cookieName(), Function.identity(), false);
    public static final Key<List<String>> TRUSTED_PROXIES = new Key<>("trusted-proxies", "NETWORK[,NETWORK...]",
            "Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses or CIDR networks, e.g. "
                    + "127.0.0.1,10.0.0.0/8): the client is the address the last of them saw, and the cookie is "
                    + "Secure when they say https. Unset: the client is the peer.",
            List.of(), list(network()), networks -> String.join(",", networks), false);
    public static final Key<Duration> SESSION_IDLE = new Key<>("session-idle", "MINUTES",
            "A login session ends after this long unused.",
            Duration.ofMinutes(1440), duration(ChronoUnit.MINUTES, Duration.ofSeconds(1)),
            writeDuration(ChronoUnit.MINUTES), false);
    public static final Key<Duration> SESSION_MAX = new Key<>("session-max", "HOURS",
            "A login session ends this long after login, used or not.",
            Duration.ofHours(720), duration(ChronoUnit.HOURS, Duration.ofSeconds(1)),
            writeDuration(ChronoUnit.HOURS), false);
    public static final Key<Integer> HISTORY_SIZE = new Key<>("history-size", "N", "Messages kept per room.",
            1000, integer(1, 1_000_000), String::valueOf, false);
    public static final Key<Duration> HISTORY_MAX_AGE = new Key<>("history-max-age", "DAYS",
            "In a cluster, room history older than this is dropped.",
            Duration.ofDays(30), duration(ChronoUnit.DAYS, Duration.ofMinutes(1)), writeDuration(ChronoUnit.DAYS),
            false);
    public static final Key<Integer> MAX_MESSAGE_SIZE = new Key<>("max-message-size", "BYTES",
            "Largest chat message text accepted.", 65536, integer(1, 64 << 20), String::valueOf, false);
    public static final Key<Integer> MAX_QUEUED_BYTES = new Key<>("max-queued-bytes", "BYTES",
            "Most a connection may have waiting for a client that does not read; past it the connection is cut, and "
                    + "the client reconnects and recovers.", 8 << 20, integer(64 << 10, 1 << 30), String::valueOf,
            false);
    public static final Key<Duration> BUSY_WRITE_DELAY = new Key<>("busy-write-delay", "MILLISECONDS",
            "How long frames for a busy connection (sent a steady stream of them) may wait to go out together, in one "
                    + "write instead of one each. 0: every frame at once.", Duration.ofMillis(20),
            duration(ChronoUnit.MILLIS, Duration.ZERO), writeDuration(ChronoUnit.MILLIS), false);
    public static final Key<Duration> REQUEST_TIMEOUT = new Key<>("request-timeout", "SECONDS",
            "How long a client has for a request's head once it began, and the longest pause in its body; then the "
                    + "connection is closed.", Duration.ofSeconds(20), duration(ChronoUnit.SECONDS,
                    Duration.ofSeconds(1)), writeDuration(ChronoUnit.SECONDS), false);
    public static final Key<Duration> IDLE_TIMEOUT = new Key<>("idle-timeout", "SECONDS",
            "How long a kept-alive HTTP connection may wait for its next request (longer than a proxy keeps its "
                    + "idle connections to the nodes).", Duration.ofSeconds(75), duration(ChronoUnit.SECONDS,
                    Duration.ofSeconds(1)), writeDuration(ChronoUnit.SECONDS), false);
    public static final Key<Integer> MAX_CONNECTIONS = new Key<>("max-connections", "N",
            "Most TCP connections the node holds at once; past it a new one is answered 503 and closed. 0: one per "
                    + "32 KiB of the JVM's maximum heap.", 0, integer(0, 10_000_000), String::valueOf, false);
    public static final Key<Integer> MAX_SESSIONS_PER_ADDRESS = new Key<>("max-sessions-per-address", "N",
            "Socket.IO sessions one client address may have open on the node; past it a handshake is answered 429. "
                    + "Clients on this machine (loopback: a proxy in front, tools) are not capped.",
            1000, integer(1, 10_000_000), String::valueOf, false);
    public static final Key<Integer> MAX_HANDSHAKES_IN_FLIGHT = new Key<>("max-handshakes-in-flight", "N",
            "Socket.IO sessions opened whose login is not checked yet, at once; past it a handshake is answered 503 "
                    + "(clients retry, proxies try another node). A node that takes over the clients of one that "
                    + "died meets them all at once.", 10_000, integer(1, 10_000_000), String::valueOf, false);
    public static final Key<Integer> LOGIN_FAILURES = new Key<>("login-failures", "N",
            "Failed logins allowed per account from one client address in 15 minutes; then 429 until they refill.",
            5, integer(1, 1_000_000), String::valueOf, false);
    public static final Key<Integer> LOGIN_FAILURES_PER_ADDRESS = new Key<>("login-failures-per-address", "N",
            "Failed logins allowed from one client address over all accounts in 15 minutes.",
            20, integer(1, 1_000_000), String::valueOf, false);
    public static final Key<Integer> LOGIN_FAILURES_PER_ACCOUNT = new Key<>("login-failures-per-account", "N",
            "Failed logins allowed per account from all addresses together in an hour (many guessers at once).",
            20, integer(1, 1_000_000), String::valueOf, false);
    public static final Key<Integer> REGISTRATIONS_PER_ADDRESS = new Key<>("registrations-per-address", "N",
            "Accounts one client address may register in an hour.", 10, integer(1, 1_000_000), String::valueOf,
            false);
    public static final Key<Integer> MAX_CONNECTIONS_PER_USER = new Key<>("max-connections-per-user", "N",
            "Connections one user may have open at once.", 5, integer(1, 10_000), String::valueOf, false);
    public static final Key<Double> MESSAGE_RATE = new Key<>("message-rate", "PER_SECOND",
            "Messages a user may send per second, on average.", 50.0, positiveDecimal(), Keys::showDecimal, false);
    public static final Key<Integer> MESSAGE_BURST = new Key<>("message-burst", "N",
            "Messages a user may send at once above the rate.", 100, integer(1, 1_000_000), String::valueOf, false);
    public static final Key<Double> REQUEST_RATE = new Key<>("request-rate", "PER_SECOND",
            "Requests of each other kind (join, leave, typing, history, dm-history, rooms) a user may make per "
                    + "second, on average; past it they are refused ('rate limited').", 5.0, positiveDecimal(),
            Keys::showDecimal, false);
    public static final Key<Integer> REQUEST_BURST = new Key<>("request-burst", "N",
            "Requests of each other kind a user may make at once above the rate.", 30, integer(1, 1_000_000),
            String::valueOf, false);
    public static final Key<Integer> DIRECT_BYTES_PER_DAY = new Key<>("direct-bytes-per-day", "BYTES",
            "Bytes of direct message text one user may send (and so have stored) a day.", 16 << 20,
            integer(1024, Integer.MAX_VALUE), String::valueOf, false);
    public static final Key<Integer> MAX_ROOMS_PER_CONNECTION = new Key<>("max-rooms-per-connection", "N",
            "Chat rooms one connection may be in at once.", 100, integer(1, 1_000_000), String::valueOf, false);
    public static final Key<Integer> MAX_ROOMS_PER_USER = new Key<>("max-rooms-per-user", "N",
            "Chat rooms one user may be in at once, over all their connections.", 200, integer(1, 1_000_000),
            String::valueOf, false);
    public static final Key<Integer> MAX_CONTACTS_PER_USER = new Key<>("max-contacts-per-user", "N",
            "Contacts one user may list (an XMPP roster's items), with the requests they have not answered.", 1000,
            integer(1, 100_000), String::valueOf, false);
    public static final Key<List<String>> CORS_ORIGIN = new Key<>("cors-origin", "ORIGIN[,ORIGIN...]",
            "Origins allowed to connect from another site (scheme://host[:port]); '*' for any.",
            List.of(), list(origin()), origins -> String.join(",", origins), false);
    public static final Key<Boolean> CORS_CREDENTIALS = new Key<>("cors-credentials", null,
            "Let cross-origin clients send cookies.", false, bool(), String::valueOf, true);
    public static final Key<List<String>> OPS_NETWORKS = new Key<>("ops-networks", "NETWORK[,NETWORK...]",
            "Client addresses (or CIDR networks) that may read /metrics and /cluster; others need ops-token.",
            List.of("127.0.0.0/8", "::1"), list(network()), networks -> String.join(",", networks), false);
    public static final Key<String> OPS_TOKEN = new Key<>("ops-token", "TOKEN",
            "A secret that opens /metrics and /cluster from anywhere, sent as 'Authorization: Bearer TOKEN'. "
                    + "Unset: only ops-networks.", null, secret(), token -> "****", false);
    public static final Key<Duration> RECOVERY_WINDOW = new Key<>("recovery-window", "SECONDS",
            "How long a disconnected client can come back and get what it missed.",
            Duration.ofSeconds(120), duration(ChronoUnit.SECONDS, Duration.ofSeconds(1)),
            writeDuration(ChronoUnit.SECONDS), false);
    public static final Key<Duration> PRESENCE_GRACE = new Key<>("presence-grace", "SECONDS",
            "In a cluster: how long the users of a node that died without a goodbye stay in their rooms for the "
                    + "others, once it is found dead. Those who come back on another node within it never seem to "
                    + "have left; the others leave when it ends. 0: they leave as soon as the node is found dead.",
            Duration.ofSeconds(10), duration(ChronoUnit.SECONDS, Duration.ZERO), writeDuration(ChronoUnit.SECONDS),
            false);
    public static final Key<String> REDIS = new Key<>("redis", "URL",
            "Join the cluster in this Redis: redis://[:password@]host:port[/db], rediss:// for TLS. Accounts, "
                    + "sessions, history and presence then live there. Unset: a single node on its embedded store.",
            null, redisUrl(), Keys::maskPassword, false);
    public static final Key<String> ROUTE = new Key<>("route", "ID",
            "Route id this node names in the chorus_route cookie, for proxies with sticky sessions. Unset: the "
                    + "node id, when clustered.",
            null, cookieValue(), Function.identity(), false);
    public static final Key<Duration> WARM_UP = new Key<>("warm-up", "SECONDS",
            "Before it serves, the node spends this long exercising a private copy of itself over loopback (in a "
                    + "cluster on its Redis under keys of its own, deleted after; alone on embedded stores in a "
                    + "temporary folder), so that its first clients meet compiled code, not the JVM's interpreter; 0 "
                    + "to serve at once. Unset: 20 in a cluster, whose other nodes serve meanwhile; 6 alone, where "
                    + "the warm-up is time nobody is served.",
            null, duration(ChronoUnit.SECONDS, Duration.ZERO), writeDuration(ChronoUnit.SECONDS), false);
    public static final Key<Duration> DRAIN_TIMEOUT = new Key<>("drain-timeout", "SECONDS",
            "On SIGTERM, the longest the node spends handing its clients to the other nodes before it stops.",
            Duration.ofSeconds(30), duration(ChronoUnit.SECONDS, Duration.ZERO), writeDuration(ChronoUnit.SECONDS),
            false);
    public static final Key<Integer> DRAIN_RATE = new Key<>("drain-rate", "PER_SECOND",
            "On SIGTERM, how many clients a second are handed over.", 1000, integer(1, 1_000_000), String::valueOf,
            false);
    public static final Key<Integer> IO_THREADS = new Key<>("io-threads", "N",
            "Event loop threads, shared by the clients' connections and Redis'; 0 for one per core but one (at "
                    + "least one).",
            0, integer(0, 1024), String::valueOf, false);
    public static final Key<Path> WEB_ROOT = new Key<>("web-root", "DIR",
            "A folder of static files served at /, beside the web chat (its files win) or instead of it "
                    + "(web-chat false). Unset: the web chat alone.",
            null, directory(), Path::toString, false);
    public static final Key<Boolean> WEB_CHAT = new Key<>("web-chat", "true|false",
            "Serve the built-in web chat.", true, bool(), String::valueOf, false);
    public static final Key<Boolean> XMPP = new Key<>("xmpp", "true|false",
            "Serve XMPP clients: TCP on xmpp-port, WebSocket (RFC 7395) at /xmpp-websocket on the HTTP port.", true,
            bool(), String::valueOf, false);
    public static final Key<String> XMPP_DOMAIN = new Key<>("xmpp-domain", "DOMAIN",
            "The XMPP domain: users are USER@DOMAIN, rooms ROOM@conference.DOMAIN. Clients find the server by it "
                    + "(DNS SRV records, or their own host setting).", "localhost", xmppDomain(), Function.identity(),
            false);
    public static final Key<Integer> XMPP_PORT = new Key<>("xmpp-port", "PORT",
            "Port of XMPP client connections over TCP (STARTTLS); 0 for any free one.", 5222, integer(0, 65535),
            String::valueOf, false);
    public static final Key<Integer> XMPP_TLS_PORT = new Key<>("xmpp-tls-port", "PORT",
            "Port of XMPP client connections in TLS from the first byte (XEP-0368 direct TLS). Unset: none.", null,
            integer(0, 65535), String::valueOf, false);
    public static final Key<Path> XMPP_CERTIFICATE = new Key<>("xmpp-certificate", "FILE",
            "The XMPP domain's TLS certificate chain (PEM). Unset: a self-signed one for the domain, made once and "
                    + "kept in the data directory: enough for trials on this machine, not for real clients.", null,
            path(), Path::toString, false);
    public static final Key<Path> XMPP_CERTIFICATE_KEY = new Key<>("xmpp-certificate-key", "FILE",
            "The private key of xmpp-certificate (PEM, PKCS#8).", null, path(), Path::toString, false);
    public static final Key<Boolean> XMPP_TLS_REQUIRED = new Key<>("xmpp-tls-required", "true|false",
            "TCP clients must start TLS before they log in.", true, bool(), String::valueOf, false);
    public static final Key<Integer> XMPP_MAX_STANZA_SIZE = new Key<>("xmpp-max-stanza-size", "BYTES",
            "Largest XMPP stanza accepted; a larger one ends the stream (policy-violation).", 65_536,
            integer(10_000, 16 << 20), String::valueOf, false);
    public static final Key<Duration> XMPP_PING_INTERVAL = new Key<>("xmpp-ping-interval", "SECONDS",
            "An XMPP stream silent this long is pinged, and closed if the ping is not answered within as long again.",
            Duration.ofSeconds(300), duration(ChronoUnit.SECONDS, Duration.ofSeconds(1)),
            writeDuration(ChronoUnit.SECONDS), false);
    public static final Key<Duration> XMPP_BOSH_WAIT = new Key<>("xmpp-bosh-wait", "SECONDS",
            "The longest a BOSH request at /xmpp is held with nothing to say (a client asks for less or as much); "
                    + "under the proxies' read timeouts (60 s in the shipped configurations).",
            Duration.ofSeconds(30), duration(ChronoUnit.SECONDS, Duration.ofSeconds(1)),
            writeDuration(ChronoUnit.SECONDS), false);
    public static final Key<Duration> XMPP_BOSH_INACTIVITY = new Key<>("xmpp-bosh-inactivity", "SECONDS",
            "A BOSH session with no request held for this long ends.",
            Duration.ofSeconds(60), duration(ChronoUnit.SECONDS, Duration.ofSeconds(5)),
            writeDuration(ChronoUnit.SECONDS), false);
    public static final Key<Duration> XMPP_RESUME_WINDOW = new Key<>("xmpp-resume-window", "SECONDS",
            "How long an XMPP session with stream management (XEP-0198) whose connection was lost stays, its "
                    + "resource bound and its stanzas kept, for the client to resume it on a new stream.",
            Duration.ofSeconds(300), duration(ChronoUnit.SECONDS, Duration.ofSeconds(1)),
            writeDuration(ChronoUnit.SECONDS), false);
    public static final Key<Double> XMPP_STANZA_RATE = new Key<>("xmpp-stanza-rate", "PER_SECOND",
            "Stanzas one XMPP stream may send per second, on average; past it and its burst the stream ends "
                    + "(policy-violation). Messages count against message-rate too.", 50.0, positiveDecimal(),
            Keys::showDecimal, false);
    public static final Key<Integer> XMPP_STANZA_BURST = new Key<>("xmpp-stanza-burst", "N",
            "Stanzas one XMPP stream may send at once above the rate (a login's roster, disco and room joins).",
            200, integer(1, 1_000_000), String::valueOf, false);
    public static final Key<LogLevel> LOG_LEVEL = new Key<>("log-level", "LEVEL",
            "Least severe log lines written: trace, debug, info, warn, error or off.",
            LogLevel.INFO, choice(LogLevel.class), Readers::choiceName, false);
    public static final Key<LogFormat> LOG_FORMAT = new Key<>("log-format", "FORMAT",
            "Log lines as 'text', or as 'json': one JSON object per line, for a log collector.",
            LogFormat.TEXT, choice(LogFormat.class), Readers::choiceName, false);

    public static final List<Key<?>> ALL = List.of(HOST, PORT, DATA, AUTH, SESSION_COOKIE, TRUSTED_PROXIES, SESSION_IDLE,
            SESSION_MAX, HISTORY_SIZE, HISTORY_MAX_AGE, MAX_MESSAGE_SIZE, MAX_QUEUED_BYTES, BUSY_WRITE_DELAY,
            REQUEST_TIMEOUT, IDLE_TIMEOUT, MAX_CONNECTIONS, MAX_SESSIONS_PER_ADDRESS, MAX_HANDSHAKES_IN_FLIGHT,
            LOGIN_FAILURES, LOGIN_FAILURES_PER_ADDRESS, LOGIN_FAILURES_PER_ACCOUNT,
            REGISTRATIONS_PER_ADDRESS, MAX_CONNECTIONS_PER_USER, MESSAGE_RATE, MESSAGE_BURST, REQUEST_RATE,
            REQUEST_BURST, DIRECT_BYTES_PER_DAY, MAX_ROOMS_PER_CONNECTION, MAX_ROOMS_PER_USER, MAX_CONTACTS_PER_USER,
            CORS_ORIGIN, CORS_CREDENTIALS, OPS_NETWORKS, OPS_TOKEN, RECOVERY_WINDOW, PRESENCE_GRACE, REDIS, ROUTE,
            WARM_UP, DRAIN_TIMEOUT, DRAIN_RATE, IO_THREADS, WEB_ROOT, WEB_CHAT, XMPP, XMPP_DOMAIN, XMPP_PORT,
            XMPP_TLS_PORT, XMPP_CERTIFICATE, XMPP_CERTIFICATE_KEY, XMPP_TLS_REQUIRED, XMPP_MAX_STANZA_SIZE,
            XMPP_PING_INTERVAL, XMPP_BOSH_WAIT, XMPP_BOSH_INACTIVITY, XMPP_RESUME_WINDOW, XMPP_STANZA_RATE,
            XMPP_STANZA_BURST, LOG_LEVEL, LOG_FORMAT);

    private Keys() {
    }

    /** A DNS name, as the XMPP domain must be: it is what certificates and clients name. */
    private static Key.Reader<String> xmppDomain() {
        return text -> {
            String domain = text.toLowerCase(Locale.ROOT);
            if (!DOMAIN.matcher(domain).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a domain name (e.g. chat.example.com)");
            }
            return domain;
        };
    }

    private static Key.Reader<String> cookieName() {
        return text -> {
            if (!TOKEN.matcher(text).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a cookie name (letters, digits, -_.!#$%&'*+^`|~)");
            }
            return text;
        };
    }

    /** It goes into a cookie's value: no spaces, quotes, commas, semicolons or backslashes. */
    private static Key.Reader<String> cookieValue() {
        return text -> {
            if (!text.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\')) {
                throw new IllegalArgumentException("'" + text + "' cannot be a cookie value (printable ASCII, no "
                        + "spaces, quotes, commas, semicolons or backslashes)");
            }
            return text;
        };
    }

    private static Key.Reader<String> origin() {
        return text -> {
            if (!text.equals("*") && !ORIGIN.matcher(text).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not an origin: scheme://host[:port], or *");
            }
            return text;
        };
    }

    /** Long enough not to be guessed. */
    private static Key.Reader<String> secret() {
        return text -> {
            if (text.length() < 16 || text.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                throw new IllegalArgumentException("must be at least 16 printable characters, no spaces");
            }
            return text;
        };
    }

    private static Key.Reader<String> network() {
        return text -> {
            Networks.of(List.of(text));
            return text;
        };
    }

    private static Key.Reader<Path> directory() {
        return text -> {
            Path path = path().read(text);
            if (!Files.isDirectory(path)) {
                throw new IllegalArgumentException("'" + text + "' is not a directory");
            }
            return path;
        };
    }

    private static Key.Reader<String> redisUrl() {
        return text -> {
            try {
                RedisBackbone.checkUrl(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + maskPassword(text) + "' is not a Redis URL: " + e.getMessage());
            }
            return text;
        };
    }

    /** The URL with the password in it, if any, replaced by stars: it goes to logs and terminals. */
    static String maskPassword(String url) {
        return URL_PASSWORD.matcher(url).replaceFirst(match -> {
            String userInfo = match.group(2);
            int colon = userInfo.indexOf(':');
            String masked = colon < 0 ? "****" : userInfo.substring(0, colon) + ":****";
            return Matcher.quoteReplacement(match.group(1) + masked + "@");
        });
    }

    private static String showDecimal(Double value) {
        return value == Math.rint(value) && !Double.isInfinite(value)
                ? Long.toString(value.longValue()) : value.toString().toLowerCase(Locale.ROOT);
    }
}
