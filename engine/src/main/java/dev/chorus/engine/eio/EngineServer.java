package dev.chorus.engine.eio;

import dev.chorus.engine.http.TrustedProxies;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpRequest;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO endpoint: its options, its open sessions and the Netty handler that serves its path. Put
 * {@link #httpHandler()} into any HTTP pipeline (after an {@code HttpServerCodec} and an
 * {@code HttpObjectAggregator}); requests for other paths pass through it untouched.
 */
public final class EngineServer {
    private static final Logger log = LoggerFactory.getLogger(EngineServer.class);

    private final EngineOptions options;
    private final SessionListener listener;
    private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
    /** Open sessions by client address, for {@link EngineOptions#maxSessionsPerAddress()}. */
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger handshaking = new AtomicInteger();
    private final Map<EventLoop, HeartbeatWheel> wheels = new ConcurrentHashMap<>();
    private final Map<EventLoop, LoopFlusher> flushers = new ConcurrentHashMap<>();
    private final Duration wheelResolution;
    private final Duration longestHeartbeatDelay;
    private final EngineHttpHandler httpHandler;
    private volatile boolean closed;
    private volatile boolean draining;

    public EngineServer(EngineOptions options, SessionListener listener) {
        this.options = options;
        this.listener = listener;
        this.wheelResolution = HeartbeatWheel.resolutionFor(options.pingInterval(), options.pingTimeout());
        this.longestHeartbeatDelay = options.pingInterval().compareTo(options.pingTimeout()) > 0
                ? options.pingInterval() : options.pingTimeout();
        this.httpHandler = new EngineHttpHandler(this);
    }

    public EngineOptions options() {
        return options;
    }

    public ChannelHandler httpHandler() {
        return httpHandler;
    }

    /** @return the open session with this id, or null */
    public EngineSession session(String id) {
        return sessions.get(id);
    }

    public Collection<EngineSession> sessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    /** The sessions open now on a transport: a scan, for gauges and reports, not for hot paths. */
    public int countOn(TransportName transport) {
        int count = 0;
        for (EngineSession session : sessions.values()) {
            if (session.isOpen() && session.transportName() == transport) {
                count++;
            }
        }
        return count;
    }

    public int sessionCount() {
        return (int) sessions.values().stream().filter(EngineSession::isOpen).count();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Takes no new sessions from now on: handshakes get 503 (a proxy tries another node), while the open sessions go
     * on until {@link #handOver} or {@link #close} ends them.
     */
    public void stopAccepting() {
        draining = true;
    }

    public boolean isDraining() {
        return draining;
    }

    /**
     * Ends a session so that its client comes back on its own, to another server: it sees its transport close
     * ("transport close"), not a disconnection it asked for, and reconnects. What was queued for it goes out first.
     */
    public void handOver(EngineSession session) {
        session.close(CloseReason.SERVER_SHUTTING_DOWN);
    }

    /**
     * Hands a session over only if, on its own loop (where its requests are read), it is owed no answers: ended
     * then, its client would miss them.
     */
    public void handOverWhenIdle(EngineSession session) {
        session.execute(() -> {
            if (!session.owesAnswers()) {
                handOver(session);
            }
        });
    }

    /**
     * Stops taking sessions and ends the open ones with reason "server shutting down", without waiting for polling
     * clients to come back for what was queued for them.
     */
    public void close() {
        closed = true;
        sessions.values().forEach(session -> session.discard(CloseReason.SERVER_SHUTTING_DOWN));
        wheels.forEach((loop, wheel) -> loop.execute(wheel::stop));
        log.debug("engine at {} closed", options.path());
    }

    /**
     * Opens a session on a connection that already speaks WebSocket frames (upgraded by other code, or an
     * in-memory channel). The session's handler is added at the end of the channel's pipeline.
     *
     * @param request the HTTP request that opened the connection, for the session's handshake data
     * @return the session, or null (the channel closed) when its client address has all the sessions it may
     */
    public EngineSession acceptWebSocket(Channel channel, HttpRequest request) {
        EngineSession session = open(channel.eventLoop(), new EngineRequest(request, channel.remoteAddress()));
        if (session == null) {
            channel.close();
            return null;
        }
        WebSocketTransport transport = new WebSocketTransport(session, channel);
        channel.pipeline().addLast("eio-ws", new WebSocketFrameHandler(transport, false));
        session.execute(() -> session.start(transport, null));
        return session;
    }

    SessionListener listener() {
        return listener;
    }

    /**
     * @return the new session, or null when its client address has {@link EngineOptions#maxSessionsPerAddress}; a
     *     client on this machine has no such cap: it is a proxy whose clients' addresses are not told (with one count
     *     for all of them the whole site would be capped), or the operator's own tools
     */
    EngineSession open(EventLoop loop, EngineRequest request) {
        boolean[] admitted = new boolean[1];
        perAddress.compute(clientAddress(request), (address, open) -> {
            int count = open == null ? 0 : open;
            admitted[0] = count < options.maxSessionsPerAddress() || TrustedProxies.onThisMachine(address);
            return admitted[0] ? count + 1 : open;
        });
        if (!admitted[0]) {
            return null;
        }
        handshaking.incrementAndGet();
        EngineSession session = new EngineSession(this, options.sessionIds().get(), loop, request);
        sessions.put(session.id(), session);
        return session;
    }

    /** Sessions opened whose client the layer above has not taken in yet. */
    public int handshakesInFlight() {
        return handshaking.get();
    }

    void handshakeEnded() {
        handshaking.decrementAndGet();
    }

    void remove(EngineSession session) {
        if (sessions.remove(session.id(), session)) {
            perAddress.computeIfPresent(clientAddress(session.request()), (address, open) -> open > 1 ? open - 1 : null);
        }
    }

    /** How many sessions the client at this address has open now. */
    public int sessionsOf(String clientAddress) {
        return perAddress.getOrDefault(clientAddress, 0);
    }

    String clientAddress(EngineRequest request) {
        return options.trustedProxies().clientAddress(request.remoteAddress(), request.headers());
    }

    /** Keeps a closed session findable for a while, so that a late request gets its answer rather than an error. */
    void removeLater(EngineSession session, long millis) {
        session.eventLoop().schedule(() -> remove(session), millis, TimeUnit.MILLISECONDS);
    }

    /** Only ever asked for on {@code loop}. */
    LoopFlusher flusher(EventLoop loop) {
        LoopFlusher flusher = flushers.get(loop);
        return flusher != null ? flusher
                : flushers.computeIfAbsent(loop, key -> new LoopFlusher(key, options.busyWriteDelay()));
    }

    HeartbeatWheel heartbeatWheel(EventLoop loop) {
        HeartbeatWheel wheel = wheels.get(loop);
        if (wheel == null) {
            wheel = wheels.computeIfAbsent(loop,
                    l -> new HeartbeatWheel(l, wheelResolution, longestHeartbeatDelay));
        }
        return wheel;
    }
}
