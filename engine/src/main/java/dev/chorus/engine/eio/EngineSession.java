package dev.chorus.engine.eio;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO session: a client, whatever transport it uses at the moment. Every state change happens on the
 * session's event loop; the public methods may be called from any thread and hop there.
 */
public final class EngineSession {
    private static final Logger log = LoggerFactory.getLogger(EngineSession.class);
    /** How long a server close waits for a polling client's next GET to hand it the close packet. */
    private static final long CLOSE_TIMEOUT_MILLIS = 30_000;
    private static final long UPGRADE_POLL_RELEASE_MILLIS = 100;
    private static final long CLOSE_NOOP_GRACE_MILLIS = 500;
    /** A window of a session's writes lasts this many beats, at most one write each while the session waits. */
    private static final int BUSY_WINDOW_BEATS = 5;
    /** Writes in a window that make the next one busy: fewer than the window's beats, for a busy session to stay so. */
    private static final int BUSY_WRITES = 4;

    private enum State { OPEN, CLOSING, CLOSED }

    private final EngineServer server;
    private final String id;
    private final EventLoop loop;
    private final EngineRequest request;
    /** Until the layer above says the client is in, or the session ends: a handshake in flight. */
    private final AtomicBoolean handshaking = new AtomicBoolean(true);
    // Small: most of the time an idle connection's queue is empty; it grows for a burst.
    private final ArrayDeque<Frame> writeQueue = new ArrayDeque<>(2);
    private long queuedBytes;
    private volatile SessionHandler handler = SessionHandler.IGNORE;
    private volatile State state = State.OPEN;
    private Transport transport;
    private WebSocketTransport probe;
    private ScheduledFuture<?> upgradeTimer;
    private ScheduledFuture<?> closeTimer;
    /** Why a server close was asked for; the session ends with it once the queue is out. */
    private CloseReason closingReason;
    private boolean transportClosing;
    private boolean owesCloseNoop;
    private boolean awaitingPong;
    private boolean flushPending;
    /**
     * How busy the session is: its writes counted in windows of {@link #BUSY_WINDOW_BEATS} beats, the first starting
     * at a write; a window with {@link #BUSY_WRITES} writes, followed at once by another, makes that other busy.
     */
    private long windowStartNanos;
    private int windowWrites;
    private boolean afterBusyWindow;
    /** The heartbeat wheel's bookkeeping: the tick at which this session is due. */
    long heartbeatTick;

    EngineSession(EngineServer server, String id, EventLoop loop, EngineRequest request) {
        this.server = server;
        this.id = id;
        this.loop = loop;
        this.request = request;
    }

    public String id() {
        return id;
    }

    public EventLoop eventLoop() {
        return loop;
    }

    /**
     * The layer above took the client in (Socket.IO: it joined a namespace): the session no longer counts as a
     * handshake in flight ({@link EngineOptions#maxHandshakesInFlight()}). Any thread; once is enough.
     */
    public void established() {
        if (handshaking.compareAndSet(true, false)) {
            server.handshakeEnded();
        }
    }

    public EngineRequest request() {
        return request;
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    /** Whether the session has ended: closing ones (a polling client yet to fetch its close packet) have not. */
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /** The transport in use now; polling until an upgrade completes. */
    public TransportName transportName() {
        Transport current = transport;
        return current == null ? TransportName.POLLING : current.name();
    }

    EngineOptions options() {
        return server.options();
    }

    /** Runs {@code task} on the session's loop: now when already there, else queued behind earlier work. */
    public void execute(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /**
     * Queues a frame and sends it as soon as the transport allows, together with whatever else the session is given
     * before its loop gets round to it. Takes ownership of the frame.
     */
    public void send(Frame frame) {
        if (loop.inEventLoop()) {
            enqueue(frame);
            flushSoon();
        } else {
            loop.execute(() -> send(frame));
        }
    }

    /** Queues frames that must go out together and in order (a packet and its binary attachments). */
    public void send(List<Frame> frames) {
        if (loop.inEventLoop()) {
            frames.forEach(this::enqueue);
            flushSoon();
        } else {
            loop.execute(() -> send(frames));
        }
    }

    private void flushSoon() {
        if (!flushPending && state != State.CLOSED) {
            flushPending = true;
            if (busy()) {
                server.flusher(loop).addAtBeat(this);
            } else {
                server.flusher(loop).add(this);
            }
        }
    }

    /**
     * Whether this session's frames wait for the loop's next beat: only those of a client sent a steady stream (a
     * conversation's burst goes out at once), and as long as the stream lasts: waiting, a busy session writes once a
     * beat, which keeps it busy.
     */
    private boolean busy() {
        long beat = server.options().busyWriteDelay().toNanos();
        return beat > 0 && afterBusyWindow && loop.ticker().nanoTime() - windowStartNanos < BUSY_WINDOW_BEATS * beat;
    }

    private void countWrite() {
        long beat = server.options().busyWriteDelay().toNanos();
        if (beat == 0) {
            return;
        }
        long window = BUSY_WINDOW_BEATS * beat;
        long now = loop.ticker().nanoTime();
        long sinceStart = now - windowStartNanos;
        if (sinceStart >= window) {
            afterBusyWindow = sinceStart < 2 * window && windowWrites >= BUSY_WRITES;
            windowStartNanos = now;
            windowWrites = 0;
        }
        windowWrites++;
    }

    /** The loop's flusher got round to this session. */
    void flushQueued() {
        flushPending = false;
        flush();
    }

    /**
     * Whether a packet sent now would go out without waiting: false while a polling client has no GET open or a
     * WebSocket's outbound buffer is full. Volatile packets are dropped when this is false.
     */
    public boolean canSendNow() {
        Transport current = transport;
        if (current instanceof WebSocketTransport ws) {
            return ws.writable() && !ws.congested();
        }
        return current != null && current.writable();
    }

    /** Whether the layer above still owes the client answers (see {@link SessionHandler#owesAnswers}). Any thread. */
    public boolean owesAnswers() {
        return handler.owesAnswers();
    }

    /** Closes the session from the server side: queued packets are sent first. */
    public void close() {
        close(CloseReason.FORCED_CLOSE);
    }

    public void close(CloseReason reason) {
        execute(() -> {
            if (state != State.OPEN) {
                return;
            }
            state = State.CLOSING;
            closingReason = reason;
            if (writeQueue.isEmpty()) {
                closeTransport(reason);
            } else {
                flush();
            }
        });
    }

    /**
     * Ends the session now, for a server that stops: a waiting poll or the WebSocket gets the close packet, and what
     * is still queued for a polling client between two polls is dropped. A server close would wait for that next
     * poll, which no loop would be left to serve (the reference server discards on shutdown too).
     */
    void discard(CloseReason reason) {
        execute(() -> {
            if (state == State.CLOSED) {
                return;
            }
            if (transport != null) {
                transport.close(true);
            }
            onClose(reason);
        });
    }

    private void enqueue(Frame frame) {
        if (state == State.CLOSED) {
            frame.release();
            return;
        }
        writeQueue.add(frame);
        queuedBytes += frame.size();
        checkBacklog();
    }

    /** What waits for the client, here and in the transport, against the cap. */
    private void checkBacklog() {
        long waiting = queuedBytes + (transport == null ? 0 : transport.pendingBytes());
        if (waiting > server.options().maxQueuedBytes()) {
            overflow(waiting);
        }
    }

    /**
     * A client that does not read: rather than keep its packets without bound, the node cuts its connection, and its
     * client reconnects and recovers what it missed, as after any broken connection.
     */
    private void overflow(long waiting) {
        log.info("session {} from {}: closed, {} bytes waiting for a client that does not read (at most {})", id,
                request.remoteHost(), waiting, server.options().maxQueuedBytes());
        if (transport != null) {
            transport.abort();
        }
        onClose(CloseReason.TRANSPORT_ERROR);
    }

    private void flush() {
        if (state == State.CLOSED || writeQueue.isEmpty() || transport == null || !transport.writable()) {
            return;
        }
        // Mostly one frame (a delivery, an ack): the smallest list for it, as every flush's list is garbage at once.
        List<Frame> batch = writeQueue.size() == 1 ? List.of(writeQueue.peekFirst()) : new ArrayList<>(writeQueue);
        writeQueue.clear();
        queuedBytes = 0;
        countWrite();
        transport.write(batch);
        checkBacklog();
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.CLOSING && !transportClosing) {
            closeTransport(closingReason);
        }
    }

    private void closeTransport(CloseReason reason) {
        transportClosing = true;
        if (transport instanceof PollingTransport polling && !polling.hasPendingPoll()) {
            polling.closeOnNextPoll(reason);
            closeTimer = loop.schedule(() -> onClose(reason), CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        transport.close(true);
        onClose(reason);
    }

    // ---- called by the server and the transports, on the loop ----

    void start(Transport initial, HttpHeaders handshakeHeaders) {
        this.transport = initial;
        String upgrades = initial instanceof PollingTransport && server.options().transports()
                .contains(TransportName.WEBSOCKET) ? "[\"websocket\"]" : "[]";
        String open = "{\"sid\":\"" + id + "\",\"upgrades\":" + upgrades
                + ",\"pingInterval\":" + options().pingInterval().toMillis()
                + ",\"pingTimeout\":" + options().pingTimeout().toMillis()
                + ",\"maxPayload\":" + options().maxHttpBufferSize() + "}";
        if (initial instanceof PollingTransport polling && handshakeHeaders != null) {
            polling.addHeadersToNextReply(handshakeHeaders);
        }
        writeQueue.add(Frame.text(PacketType.OPEN, open));
        handler = server.listener().onOpen(this);
        server.heartbeatWheel(loop).schedule(this, options().pingInterval());
        flush();
    }

    void onPoll(HttpReplies.Exchange exchange) {
        onPoll(exchange, null);
    }

    /** @param requestId the poll's {@code t}: a GET sent again by a proxy gets the answer the first one got */
    void onPoll(HttpReplies.Exchange exchange, String requestId) {
        if (state == State.CLOSED) {
            if (owesCloseNoop) {
                owesCloseNoop = false;
                PollingTransport late = new PollingTransport(this);
                late.onPoll(exchange, null);
                late.releasePendingPoll();
            } else {
                HttpReplies.sendError(exchange, options().cors(), EngineError.UNKNOWN_SID);
            }
            return;
        }
        if (!(transport instanceof PollingTransport polling)) {
            HttpReplies.sendError(exchange, options().cors(), EngineError.BAD_REQUEST);
            return;
        }
        if (polling.answerAgain(exchange, requestId)) {
            return;
        }
        if (!polling.onPoll(exchange, requestId)) {
            HttpReplies.sendError(exchange, options().cors(), EngineError.BAD_REQUEST);
            onError("overlapping poll requests");
            return;
        }
        if (probe != null && writeQueue.isEmpty()) {
            releasePollDuringUpgrade(polling);
            return;
        }
        flush();
    }

    /**
     * As the reference server does, a poll held during an upgrade is released with a noop a little later, unless
     * the upgrade completes first: then the poll is refused, as it would have been had it come after.
     */
    private void releasePollDuringUpgrade(PollingTransport polling) {
        loop.schedule(() -> {
            if (probe != null && transport == polling) {
                polling.releasePendingPoll();
            }
        }, UPGRADE_POLL_RELEASE_MILLIS, TimeUnit.MILLISECONDS);
    }

    void onPollConnectionLost(HttpReplies.Exchange exchange) {
        if (transport instanceof PollingTransport polling) {
            polling.onPollConnectionLost(exchange);
        }
    }

    /**
     * A POSTed payload, already split into packets.
     *
     * @return false when the session was already closed and took none of them
     */
    boolean onPolledPackets(List<InboundPacket> packets) {
        return onPolledPackets(packets, null);
    }

    /**
     * @param requestId the POST's {@code t}: a POST sent again by a proxy (its first answer was lost on the way) is
     *                  answered without its packets being taken twice
     */
    boolean onPolledPackets(List<InboundPacket> packets, String requestId) {
        if (state == State.CLOSED) {
            return false;
        }
        if (transport instanceof PollingTransport polling && polling.seenPost(requestId)) {
            return true;
        }
        for (InboundPacket packet : packets) {
            if (state == State.CLOSED) {
                return true;
            }
            if (packet.type() == PacketType.CLOSE) {
                // With no GET waiting, the client's last GET may still be on its way on another connection: it
                // gets the noop it would have got had it arrived first, rather than an error.
                owesCloseNoop = !transport.writable();
                transport.close(false);
                onClose(CloseReason.TRANSPORT_CLOSE);
                return true;
            }
            onPacket(packet);
        }
        return true;
    }

    void onWebSocketPacket(WebSocketTransport from, InboundPacket packet) {
        if (from == probe) {
            onProbePacket(packet);
        } else if (from == transport) {
            if (packet.type() == PacketType.CLOSE) {
                onClose(CloseReason.TRANSPORT_CLOSE);
                from.close(false);
            } else {
                onPacket(packet);
            }
        }
    }

    /** A transport received something that is not Engine.IO: the session cannot go on. */
    void onBadPayload(Transport from, CloseReason reason) {
        if (from == probe) {
            abandonProbe();
        } else if (from == transport) {
            transport.close(true);
            onClose(reason);
        }
    }

    void onBadPayload(CloseReason reason) {
        onBadPayload(transport, reason);
    }

    /** A transport's connection ended underneath it. */
    void onTransportClosed(Transport from, CloseReason reason) {
        if (from == probe) {
            abandonProbe();
        } else if (from == transport) {
            onClose(reason);
        }
    }

    void onUpgradeRequest(Channel channel, WebSocketTransport candidate) {
        if (state != State.OPEN || probe != null || !(transport instanceof PollingTransport)) {
            WebSocketTransport current = probe != null ? probe
                    : transport instanceof WebSocketTransport ws ? ws : null;
            if (current != null) {
                // Refused from the loop of the WebSocket already in place, so that this goes out after what that
                // connection had to answer first (the probe answer the client may still be waiting for).
                current.channel().eventLoop().execute(channel::close);
            } else {
                channel.close();
            }
            return;
        }
        probe = candidate;
        upgradeTimer = loop.schedule(this::abandonProbe, options().upgradeTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void onProbePacket(InboundPacket packet) {
        if (packet.type() == PacketType.PING && "probe".equals(packet.text())) {
            if (writeQueue.isEmpty() && transport instanceof PollingTransport polling) {
                releasePollDuringUpgrade(polling);
            }
        } else if (packet.type() == PacketType.UPGRADE && state != State.CLOSED) {
            upgradeTimer.cancel(false);
            if (transport instanceof PollingTransport polling) {
                polling.refusePendingPoll();
            }
            transport = probe;
            probe = null;
            flush();
            if (state == State.CLOSING) {
                // A close that waited for the next poll now goes out on the WebSocket instead.
                closeTransport(closingReason);
            }
        } else {
            abandonProbe();
        }
    }

    private void abandonProbe() {
        if (probe != null) {
            upgradeTimer.cancel(false);
            probe.channel().close();
            probe = null;
        }
    }

    private void onPacket(InboundPacket packet) {
        if (state != State.OPEN) {
            return;
        }
        switch (packet.type()) {
            case PONG -> {
                if (awaitingPong) {
                    awaitingPong = false;
                    server.heartbeatWheel(loop).schedule(this, options().pingInterval());
                }
            }
            case PING -> onError("invalid heartbeat direction");
            case MESSAGE -> {
                try {
                    if (packet.isBinary()) {
                        handler.onBinary(this, packet.binary());
                    } else {
                        handler.onMessage(this, packet.text());
                    }
                } catch (ProtocolException e) {
                    log.info("session {} from {}: closed on a bad message: {}", id, request.remoteHost(),
                            e.getMessage());
                    transport.close(true);
                    onClose(CloseReason.PARSE_ERROR);
                }
            }
            default -> log.debug("session {}: ignoring {} packet", id, packet.type());
        }
    }

    void onHeartbeatDue() {
        if (state == State.CLOSED) {
            return;
        }
        if (awaitingPong) {
            onClose(CloseReason.PING_TIMEOUT);
            if (transport != null) {
                transport.close(true);
            }
            return;
        }
        awaitingPong = true;
        enqueue(Frame.ping());
        flush();
        server.heartbeatWheel(loop).schedule(this, options().pingTimeout());
    }

    private void onError(String what) {
        log.info("session {} from {}: closed on a transport error: {}", id, request.remoteHost(), what);
        if (transport != null) {
            transport.close(true);
        }
        onClose(CloseReason.TRANSPORT_ERROR);
    }

    private void onClose(CloseReason reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (handshaking.compareAndSet(true, false)) {
            server.handshakeEnded();
        }
        if (owesCloseNoop) {
            // Still findable for a while, never unfindable in between: a GET racing the close must find it.
            server.removeLater(this, CLOSE_NOOP_GRACE_MILLIS);
        } else {
            server.remove(this);
        }
        abandonProbe();
        if (closeTimer != null) {
            closeTimer.cancel(false);
        }
        writeQueue.forEach(Frame::release);
        writeQueue.clear();
        queuedBytes = 0;
        try {
            handler.onClose(this, reason);
        } catch (RuntimeException e) {
            log.warn("session {}: close handler failed", id, e);
        }
    }

    @Override
    public String toString() {
        return "EngineSession{" + id + ", " + transportName().wireName() + "}";
    }
}
