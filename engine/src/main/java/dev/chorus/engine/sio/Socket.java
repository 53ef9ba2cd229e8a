package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.engine.eio.EngineSession;
import dev.chorus.engine.eio.Frame;
import dev.chorus.engine.eio.TransportName;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's presence in one namespace. Its state lives on the event loop of its Engine.IO session; emitting,
 * joining and leaving may be done from any thread.
 */
public final class Socket {
    private static final Logger log = LoggerFactory.getLogger(Socket.class);

    private final String id;
    private final String pid;
    private final Namespace nsp;
    private final Client client;
    private final Handshake handshake;
    private final ObjectNode data;
    private final boolean recovered;
    private volatile boolean recoveryDeclined;
    private volatile boolean connected;
    /**
     * Whether an offset went out to the client. Deliveries go out on the loop, but for one that raced the CONNECT
     * ack: the adapter may then hear of the first offset twice, which it must take.
     */
    private volatile boolean offsetSent;
    private volatile boolean closed;
    /** Deliveries that came before the CONNECT ack went out (a recovering socket is in its rooms before that). */
    private List<Delivery> early = new ArrayList<>();
    /**
     * Guards {@code early} and the switch to {@code connected}: a delivery from another thread either joins
     * {@code early}, where it is checked against the replay, or sees the socket connected and is not in the replay.
     */
    private final Object earlyLock = new Object();
    private final Map<String, EventHandler> handlers = new ConcurrentHashMap<>();
    private final List<BiConsumer<Socket, DisconnectReason>> disconnectingListeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<Socket, DisconnectReason>> disconnectListeners = new CopyOnWriteArrayList<>();
    private final Map<Long, PendingAck> pendingAcks = new HashMap<>();

    private record Delivery(List<Frame> frames, String offset) {
    }

    private record PendingAck(CompletableFuture<EventArgs> result, ScheduledFuture<?> timeout) {
    }

    Socket(Namespace nsp, Client client, Handshake handshake, String id, String pid, ObjectNode data,
            boolean recovered) {
        this.nsp = nsp;
        this.client = client;
        this.handshake = handshake;
        this.id = id;
        this.pid = pid;
        this.data = data;
        this.recovered = recovered;
    }

    public String id() {
        return id;
    }

    /** The private id a client offers back to recover this socket; null when recovery is off. */
    public String pid() {
        return pid;
    }

    public Namespace namespace() {
        return nsp;
    }

    public Handshake handshake() {
        return handshake;
    }

    /** Application data kept with the socket and restored with it on recovery. Touch it on the socket's loop. */
    public ObjectNode data() {
        return data;
    }

    /**
     * Runs a task on the event loop where this socket's events are handled, so that work coming from another thread
     * (an admin's request, another node's) does not interleave with them.
     */
    public void execute(Runnable task) {
        client.session().execute(task);
    }

    /**
     * Runs a task on this socket's event loop once the work under way there is done, even when called from it: what
     * the task looks at has then every change of that work in it.
     */
    public void executeLater(Runnable task) {
        client.session().eventLoop().execute(task);
    }

    /** Whether this socket came back through connection state recovery. */
    public boolean recovered() {
        return recovered;
    }

    /**
     * Whether its client can ask for this socket back after a reconnection: recovery is on, and the client holds an
     * offset of it — it came back with one, or has been sent one since.
     */
    public boolean recoverable() {
        return pid != null && (recovered || offsetSent);
    }

    /**
     * For a middleware: this socket must not take over the session it came to recover (it belongs to someone else),
     * and connects afresh instead — no rooms, no missed packets. The session stays for its own client.
     */
    public void declineRecovery() {
        recoveryDeclined = true;
    }

    boolean recoveryDeclined() {
        return recoveryDeclined;
    }

    public boolean connected() {
        return connected && !closed;
    }

    public TransportName transport() {
        return client.session().transportName();
    }

    public EngineSession engineSession() {
        return client.session();
    }

    public Socket on(String event, EventHandler handler) {
        handlers.put(event, handler);
        return this;
    }

    /** Handles an event whose first argument is converted to {@code type}; a mismatch answers the ack with an error. */
    public <T> Socket on(String event, Class<T> type, TypedEventHandler<T> handler) {
        return on(event, EventHandler.typed(type, handler));
    }

    /** Runs when the socket leaves the namespace, after it has left its rooms. */
    public Socket onDisconnect(BiConsumer<Socket, DisconnectReason> listener) {
        disconnectListeners.add(listener);
        return this;
    }

    /** Runs when the socket is about to leave the namespace, while {@link #rooms()} still lists its rooms. */
    public Socket onDisconnecting(BiConsumer<Socket, DisconnectReason> listener) {
        disconnectingListeners.add(listener);
        return this;
    }

    public void emit(String event, Object... args) {
        ArrayNode payload = nsp.eventPayload(event, args);
        if (nsp.server().options().recovery() != null) {
            // Through the adapter, so the event gets an offset and can be replayed after a reconnection.
            nsp.adapter().broadcast(Packet.event(nsp.name(), payload), BroadcastOptions.toRoom(id));
        } else {
            client.send(Packet.event(nsp.name(), payload));
        }
    }

    /** An event that is dropped rather than queued when the client cannot take it now. */
    public void emitVolatile(String event, Object... args) {
        if (client.session().canSendNow()) {
            client.send(Packet.event(nsp.name(), nsp.eventPayload(event, args)));
        }
    }

    /** Emits an event the client must acknowledge within {@code timeout}; else the result fails with AckTimeoutException. */
    public CompletableFuture<EventArgs> emitWithAck(Duration timeout, String event, Object... args) {
        CompletableFuture<EventArgs> result = new CompletableFuture<>();
        ArrayNode payload = nsp.eventPayload(event, args);
        client.session().execute(() -> {
            if (!connected()) {
                result.completeExceptionally(new IllegalStateException("socket " + id + " is not connected"));
                return;
            }
            long ackId = nsp.nextAckId();
            ScheduledFuture<?> timer = client.session().eventLoop().schedule(() -> {
                if (pendingAcks.remove(ackId) != null) {
                    nsp.server().metrics().acksTimedOut.increment();
                    result.completeExceptionally(new AckTimeoutException("operation has timed out"));
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            pendingAcks.put(ackId, new PendingAck(result, timer));
            client.send(new Packet(PacketType.EVENT, nsp.name(), ackId, payload));
        });
        return result;
    }

    public Socket join(String... rooms) {
        return join(List.of(rooms));
    }

    /** Joins rooms; a socket that another one of its id took over has no rooms of its own left to join. */
    public Socket join(Collection<String> rooms) {
        if (!nsp.displaced(this)) {
            nsp.adapter().addAll(id, Set.copyOf(rooms));
        }
        return this;
    }

    public Socket leave(String room) {
        if (!nsp.displaced(this)) {
            nsp.adapter().del(id, room);
        }
        return this;
    }

    /**
     * The rooms this socket is in, its own id room included; none once another socket of its id took it over, as
     * the rooms under that id are then the other's.
     */
    public Set<String> rooms() {
        return nsp.displaced(this) ? Set.of() : nsp.adapter().socketRooms(id);
    }

    /** A broadcast to the rooms, leaving this socket out. */
    public BroadcastOperator to(String... rooms) {
        return broadcast().to(rooms);
    }

    /** A broadcast to the whole namespace, leaving this socket out. */
    public BroadcastOperator broadcast() {
        return new BroadcastOperator(nsp).except(id);
    }

    /** Leaves the namespace; the client is told with a DISCONNECT packet. */
    public void disconnect() {
        client.session().execute(() -> {
            if (connected()) {
                client.send(new Packet(PacketType.DISCONNECT, nsp.name(), Packet.NO_ACK, null));
                onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
            }
        });
    }

    /** Leaves the namespace and, with {@code close}, ends the client's whole connection. */
    public void disconnect(boolean close) {
        if (close) {
            client.disconnectAll();
        } else {
            disconnect();
        }
    }

    // ---- engine side ----

    /** Hands a broadcast's frames to this socket; takes no ownership of {@code frames}. Any thread. */
    void deliver(List<Frame> frames, String offset, boolean isVolatile) {
        if (!connected && holdBack(frames, offset, isVolatile)) {
            return;
        }
        EngineSession session = client.session();
        if (!isVolatile || session.canSendNow()) {
            nsp.server().metrics().eventsSent.increment();
            sendingOffset(offset);
            // Most broadcasts are one frame, and every recipient's delivery is garbage once written: no list for it.
            if (frames.size() == 1) {
                session.send(frames.get(0).retainedDuplicate());
            } else {
                session.send(retain(frames));
            }
        }
    }

    private void sendingOffset(String offset) {
        if (offset != null && !offsetSent) {
            offsetSent = true;
            nsp.adapter().firstOffsetSent(this);
        }
    }

    /** Keeps a delivery until the CONNECT ack is out. @return false when the socket got connected meanwhile */
    private boolean holdBack(List<Frame> frames, String offset, boolean isVolatile) {
        synchronized (earlyLock) {
            if (connected) {
                return false;
            }
            if (!isVolatile && !closed) {
                early.add(new Delivery(retain(frames), offset));
            }
            return true;
        }
    }

    private static List<Frame> retain(List<Frame> frames) {
        List<Frame> copy = new ArrayList<>(frames.size());
        for (Frame frame : frames) {
            copy.add(frame.retainedDuplicate());
        }
        return copy;
    }

    /**
     * Sends what a recovering socket missed, then the CONNECT ack, then what arrived meanwhile and was not among
     * the missed. On the loop.
     */
    void completeConnect(List<ReplayedPacket> missed) {
        Set<String> replayed = new HashSet<>();
        for (ReplayedPacket packet : missed) {
            replayed.add(packet.offset());
            client.send(packet.packet());
        }
        ObjectNode ack = nsp.server().mapper().createObjectNode().put("sid", id);
        if (pid != null) {
            ack.put("pid", pid);
        }
        client.send(new Packet(PacketType.CONNECT, nsp.name(), Packet.NO_ACK, ack));
        List<Delivery> held;
        synchronized (earlyLock) {
            connected = true;
            held = early;
            early = List.of();
        }
        // Later deliveries from other threads are queued on this loop, so they still go out after these.
        for (Delivery delivery : held) {
            if (delivery.offset() != null && replayed.contains(delivery.offset())) {
                delivery.frames().forEach(Frame::release);
            } else {
                nsp.server().metrics().eventsSent.increment();
                sendingOffset(delivery.offset());
                client.session().send(delivery.frames());
            }
        }
    }

    void onPacket(Packet packet) {
        switch (packet.type()) {
            case EVENT, BINARY_EVENT -> onEvent(packet);
            case ACK, BINARY_ACK -> onAck(packet);
            case DISCONNECT -> onClose(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
            default -> log.debug("socket {}: ignoring {} packet", id, packet.type());
        }
    }

    private void onEvent(Packet packet) {
        nsp.server().metrics().eventsReceived.increment();
        ArrayNode args = (ArrayNode) packet.data();
        String event = args.get(0).asText();
        EventHandler handler = handlers.get(event);
        if (handler == null) {
            handler = nsp.eventHandler(event);
        }
        Ack ack = packet.hasAck() ? new SocketAck(packet.ackId()) : Ack.NONE;
        if (handler == null) {
            log.trace("socket {}: no handler for event {}", id, event);
            return;
        }
        try {
            handler.onEvent(this, new EventArgs(args, 1, nsp.server().mapper()), ack);
        } catch (RuntimeException e) {
            log.warn("socket {}: handler of event '{}' failed", id, event, e);
        }
    }

    private void onAck(Packet packet) {
        PendingAck pending = pendingAcks.remove(packet.ackId());
        if (pending == null) {
            log.debug("socket {}: unknown ack id {}", id, packet.ackId());
            return;
        }
        pending.timeout().cancel(false);
        nsp.server().metrics().acksAnswered.increment();
        pending.result().complete(new EventArgs((ArrayNode) packet.data(), 0, nsp.server().mapper()));
    }

    /**
     * Closes this socket because its client recovered it on another connection, and that connection too when it
     * carries nothing else: the client has left it. Any thread; completes once it is closed, on its loop.
     */
    CompletableFuture<Void> supersede() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.session().execute(() -> {
            if (!closed) {
                nsp.server().metrics().superseded.increment();
                onClose(DisconnectReason.SUPERSEDED);
                client.closeIfIdle();
            }
            done.complete(null);
        });
        return done;
    }

    /** Leaves the namespace for good. On the loop. */
    void onClose(DisconnectReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        boolean wasConnected = connected;
        connected = false;
        synchronized (earlyLock) {
            early.forEach(delivery -> delivery.frames().forEach(Frame::release));
            early = List.of();
        }
        if (wasConnected) {
            notify(disconnectingListeners, reason);
        }
        nsp.release(this, () -> {
            // A socket cut off while it was being recovered keeps what it was recovered from: its client still has
            // the same pid and offset, and tries again.
            if ((wasConnected || recovered) && reason.recoverable() && pid != null) {
                nsp.adapter().persistSession(new PersistedSession(id, pid, rooms(), data.deepCopy()));
            }
            if (reason == DisconnectReason.SUPERSEDED) {
                nsp.adapter().release(id);
            } else {
                nsp.adapter().delAll(id);
            }
        });
        client.remove(this);
        pendingAcks.values().forEach(pending -> {
            pending.timeout().cancel(false);
            pending.result().completeExceptionally(new IllegalStateException("socket disconnected: " + reason));
        });
        pendingAcks.clear();
        if (wasConnected) {
            notify(disconnectListeners, reason);
        }
    }

    private void notify(List<BiConsumer<Socket, DisconnectReason>> listeners, DisconnectReason reason) {
        for (BiConsumer<Socket, DisconnectReason> listener : listeners) {
            try {
                listener.accept(this, reason);
            } catch (RuntimeException e) {
                log.warn("socket {}: disconnect listener failed", id, e);
            }
        }
    }

    private final class SocketAck implements Ack {
        private final long ackId;
        private boolean sent;

        SocketAck(long ackId) {
            this.ackId = ackId;
            client.ackOwed();
        }

        @Override
        public void send(Object... args) {
            ArrayNode payload = nsp.server().mapper().createArrayNode();
            for (Object arg : args) {
                payload.add(nsp.toTree(arg));
            }
            client.session().execute(() -> {
                if (!sent && connected()) {
                    sent = true;
                    client.ackSent();
                    client.send(new Packet(PacketType.ACK, nsp.name(), ackId, payload));
                }
            });
        }

        @Override
        public boolean requested() {
            return true;
        }
    }

    @Override
    public String toString() {
        return "Socket{" + nsp.name() + "#" + id + "}";
    }
}
