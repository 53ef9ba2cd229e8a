package dev.chorus.engine.eio;

import dev.chorus.engine.http.CorsOptions;
import dev.chorus.engine.http.Refusals;
import dev.chorus.engine.http.TrustedProxies;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/** Settings of one Engine.IO endpoint, with the reference server's defaults. */
public final class EngineOptions {
    private final String path;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final Duration upgradeTimeout;
    private final int maxHttpBufferSize;
    private final long maxQueuedBytes;
    private final Duration busyWriteDelay;
    private final int maxSessionsPerAddress;
    private final int maxHandshakesInFlight;
    private final Set<TransportName> transports;
    private final CorsOptions cors;
    private final SessionCookie sessionCookie;
    private final RequestFilter requestFilter;
    private final Supplier<String> sessionIds;
    private final SessionHolders sessionHolders;
    private final TrustedProxies trustedProxies;
    private final Refusals refusals;

    private EngineOptions(Builder b) {
        this.path = normalizePath(b.path);
        this.pingInterval = b.pingInterval;
        this.pingTimeout = b.pingTimeout;
        this.upgradeTimeout = b.upgradeTimeout;
        this.maxHttpBufferSize = b.maxHttpBufferSize;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.busyWriteDelay = b.busyWriteDelay;
        this.maxSessionsPerAddress = b.maxSessionsPerAddress;
        this.maxHandshakesInFlight = b.maxHandshakesInFlight;
        this.transports = Set.copyOf(b.transports);
        this.cors = b.cors;
        this.sessionCookie = b.sessionCookie;
        this.requestFilter = b.requestFilter;
        this.sessionIds = b.sessionIds;
        this.sessionHolders = b.sessionHolders;
        this.trustedProxies = b.trustedProxies;
        this.refusals = b.refusals;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static EngineOptions defaults() {
        return builder().build();
    }

    /** The reference server's path rule: no trailing slash given, one added. */
    private static String normalizePath(String path) {
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return (trimmed.startsWith("/") ? trimmed : "/" + trimmed) + "/";
    }

    public String path() {
        return path;
    }

    public Duration pingInterval() {
        return pingInterval;
    }

    public Duration pingTimeout() {
        return pingTimeout;
    }

    public Duration upgradeTimeout() {
        return upgradeTimeout;
    }

    public int maxHttpBufferSize() {
        return maxHttpBufferSize;
    }

    /**
     * The most a session keeps for a client that does not read (a WebSocket whose socket buffers are full, a polling
     * client that does not poll); past it, the session is closed, and its client reconnects and recovers.
     */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /**
     * How long a busy session's frames may wait to go out together: a client sent a steady stream of frames (four
     * writes or more in a window of five such beats, and the next window following at once) gets them gathered into
     * one write this often, instead of a system call each; a burst still goes out at once. Zero, the default, sends
     * every frame as soon as the loop gets to it.
     */
    public Duration busyWriteDelay() {
        return busyWriteDelay;
    }

    /**
     * Sessions one client address may have open at once (as {@link #trustedProxies} tell the address); a handshake
     * past it is refused with 429. Unlimited by default, as in the reference server.
     */
    public int maxSessionsPerAddress() {
        return maxSessionsPerAddress;
    }

    /**
     * Sessions that may be opened and not yet {@link EngineSession#established established} at once (a Socket.IO
     * client that has not joined a namespace: its login not checked yet); a handshake past it is refused with 503,
     * which a client retries and a proxy sends elsewhere. Unlimited by default.
     */
    public int maxHandshakesInFlight() {
        return maxHandshakesInFlight;
    }

    public Set<TransportName> transports() {
        return transports;
    }

    public CorsOptions cors() {
        return cors;
    }

    /** The cookie naming the session id on the handshake response, or null when off (the default). */
    public SessionCookie sessionCookie() {
        return sessionCookie;
    }

    public RequestFilter requestFilter() {
        return requestFilter;
    }

    /** Where new session ids come from: unguessable, and in a cluster telling which node holds the session. */
    public Supplier<String> sessionIds() {
        return sessionIds;
    }

    public SessionHolders sessionHolders() {
        return sessionHolders;
    }

    /** Whose {@code X-Forwarded-For} tells the client's address. */
    public TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    /** Where refused requests are counted and logged. */
    public Refusals refusals() {
        return refusals;
    }

    /** The handshake cookie load balancers may key stickiness on ({@code io=<sid>} in the reference server). */
    public record SessionCookie(String name, String path, boolean httpOnly, String sameSite) {
        public static SessionCookie standard() {
            return new SessionCookie("io", "/", true, "Lax");
        }
    }

    /**
     * Decides whether a handshake may open a session ({@code allowRequest} in the reference server). Returning a
     * non-null message refuses it with HTTP 403 and that message.
     */
    @FunctionalInterface
    public interface RequestFilter {
        RequestFilter ALLOW_ALL = request -> null;

        String refusal(EngineRequest request);
    }

    public static final class Builder {
        private String path = "/engine.io";
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration pingTimeout = Duration.ofSeconds(20);
        private Duration upgradeTimeout = Duration.ofSeconds(10);
        private int maxHttpBufferSize = 1_000_000;
        private long maxQueuedBytes = 8L << 20;
        private Duration busyWriteDelay = Duration.ZERO;
        private int maxSessionsPerAddress = Integer.MAX_VALUE;
        private int maxHandshakesInFlight = Integer.MAX_VALUE;
        private Set<TransportName> transports = EnumSet.allOf(TransportName.class);
        private CorsOptions cors = CorsOptions.DISABLED;
        private SessionCookie sessionCookie;
        private RequestFilter requestFilter = RequestFilter.ALLOW_ALL;
        private Supplier<String> sessionIds = Ids::newId;
        private SessionHolders sessionHolders = SessionHolders.NONE;
        private TrustedProxies trustedProxies = TrustedProxies.NONE;
        private Refusals refusals = Refusals.uncounted();

        private Builder() {
        }

        public Builder path(String path) {
            this.path = Objects.requireNonNull(path);
            return this;
        }

        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = positive(pingInterval, "pingInterval");
            return this;
        }

        public Builder pingTimeout(Duration pingTimeout) {
            this.pingTimeout = positive(pingTimeout, "pingTimeout");
            return this;
        }

        public Builder upgradeTimeout(Duration upgradeTimeout) {
            this.upgradeTimeout = positive(upgradeTimeout, "upgradeTimeout");
            return this;
        }

        public Builder maxQueuedBytes(long maxQueuedBytes) {
            if (maxQueuedBytes <= 0) {
                throw new IllegalArgumentException("maxQueuedBytes must be positive");
            }
            this.maxQueuedBytes = maxQueuedBytes;
            return this;
        }

        public Builder busyWriteDelay(Duration busyWriteDelay) {
            if (busyWriteDelay.isNegative()) {
                throw new IllegalArgumentException("busyWriteDelay must not be negative");
            }
            this.busyWriteDelay = busyWriteDelay;
            return this;
        }

        public Builder maxSessionsPerAddress(int maxSessionsPerAddress) {
            if (maxSessionsPerAddress <= 0) {
                throw new IllegalArgumentException("maxSessionsPerAddress must be positive");
            }
            this.maxSessionsPerAddress = maxSessionsPerAddress;
            return this;
        }

        public Builder maxHandshakesInFlight(int maxHandshakesInFlight) {
            if (maxHandshakesInFlight <= 0) {
                throw new IllegalArgumentException("maxHandshakesInFlight must be positive");
            }
            this.maxHandshakesInFlight = maxHandshakesInFlight;
            return this;
        }

        public Builder maxHttpBufferSize(int maxHttpBufferSize) {
            if (maxHttpBufferSize <= 0) {
                throw new IllegalArgumentException("maxHttpBufferSize must be positive");
            }
            this.maxHttpBufferSize = maxHttpBufferSize;
            return this;
        }

        public Builder transports(Set<TransportName> transports) {
            if (transports.isEmpty()) {
                throw new IllegalArgumentException("at least one transport is needed");
            }
            this.transports = EnumSet.copyOf(transports);
            return this;
        }

        public Builder cors(CorsOptions cors) {
            this.cors = Objects.requireNonNull(cors);
            return this;
        }

        public Builder sessionCookie(SessionCookie sessionCookie) {
            this.sessionCookie = sessionCookie;
            return this;
        }

        public Builder requestFilter(RequestFilter requestFilter) {
            this.requestFilter = Objects.requireNonNull(requestFilter);
            return this;
        }

        public Builder sessionIds(Supplier<String> sessionIds) {
            this.sessionIds = Objects.requireNonNull(sessionIds);
            return this;
        }

        /** Where the sessions of other servers are, to forward their requests there: none, on a server alone. */
        public Builder sessionHolders(SessionHolders sessionHolders) {
            this.sessionHolders = Objects.requireNonNull(sessionHolders);
            return this;
        }

        public Builder trustedProxies(TrustedProxies trustedProxies) {
            this.trustedProxies = Objects.requireNonNull(trustedProxies);
            return this;
        }

        public Builder refusals(Refusals refusals) {
            this.refusals = Objects.requireNonNull(refusals);
            return this;
        }

        public EngineOptions build() {
            return new EngineOptions(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
