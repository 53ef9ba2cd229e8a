package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import dev.chorus.engine.eio.Frame;
import dev.chorus.engine.eio.Ids;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Socket.IO namespace: its middlewares, its connection listeners, its sockets on this node and its adapter. */
public final class Namespace {
    private static final Logger log = LoggerFactory.getLogger(Namespace.class);

    private final SocketIoServer server;
    private final String name;
    private final List<Middleware> middlewares;
    private final List<Consumer<Socket>> connectionListeners;
    private final Map<String, Socket> sockets = new ConcurrentHashMap<>();
    private final Map<String, ServerSideHandler> serverSideHandlers = new ConcurrentHashMap<>();
    private final Map<String, EventHandler> eventHandlers = new ConcurrentHashMap<>();
    private final AtomicLong ackIds = new AtomicLong();
    private final List<DeliveryListener> deliveryListeners = new CopyOnWriteArrayList<>();
    private final List<BroadcastListener> broadcastListeners = new CopyOnWriteArrayList<>();
    private final Adapter adapter;

    Namespace(SocketIoServer server, String name, List<Middleware> middlewares,
            List<Consumer<Socket>> connectionListeners) {
        this.server = server;
        this.name = name;
        this.middlewares = middlewares;
        this.connectionListeners = connectionListeners;
        this.adapter = server.options().adapterFactory().create(this);
        server.metrics().watch(this);
    }

    public String name() {
        return name;
    }

    public SocketIoServer server() {
        return server;
    }

    public Adapter adapter() {
        return adapter;
    }

    public Namespace use(Middleware middleware) {
        middlewares.add(middleware);
        return this;
    }

    /** Runs for every socket that joined, after its CONNECT ack went out, on the socket's loop. */
    public Namespace onConnection(Consumer<Socket> listener) {
        connectionListeners.add(listener);
        return this;
    }

    /**
     * Handles {@code event} from every socket of the namespace, unless the socket has a handler of its own for it:
     * one registration for all sockets, where handlers set on each socket would cost every connection a map of them.
     */
    public Namespace onEvent(String event, EventHandler handler) {
        eventHandlers.put(event, handler);
        return this;
    }

    /** {@link #onEvent(String, EventHandler)} for an event whose first argument is converted to {@code type}. */
    public <T> Namespace onEvent(String event, Class<T> type, TypedEventHandler<T> handler) {
        return onEvent(event, EventHandler.typed(type, handler));
    }

    EventHandler eventHandler(String event) {
        return eventHandlers.get(event);
    }

    /** Runs after every broadcast event delivered to sockets of this node, on the delivering thread. */
    public Namespace onDelivered(DeliveryListener listener) {
        deliveryListeners.add(listener);
        return this;
    }

    /** Runs for every broadcast this node applies, before its sockets get it ({@link BroadcastListener}). */
    public Namespace onBroadcast(BroadcastListener listener) {
        broadcastListeners.add(listener);
        return this;
    }

    void applying(Packet packet, BroadcastOptions options) {
        for (BroadcastListener listener : broadcastListeners) {
            listener.broadcast(packet, options);
        }
    }

    void delivered(Packet packet, int sockets) {
        String event = deliveryListeners.isEmpty() ? null : packet.event();
        if (event != null) {
            deliveryListeners.forEach(listener -> listener.delivered(event, sockets));
        }
    }

    /** Handles {@code event} when another server of the cluster emits it to this namespace. */
    public Namespace onServerSideEmit(String event, ServerSideHandler handler) {
        serverSideHandlers.put(event, handler);
        return this;
    }

    /**
     * Emits an event to the other servers of the cluster, whose {@link #onServerSideEmit} handlers run it; not to
     * this one, nor to any client. Without a cluster, nothing hears it.
     */
    public void serverSideEmit(String event, Object... args) {
        adapter.serverSideEmit(eventPayload(event, args));
    }

    /**
     * Runs the handler of a server-side event ({@code data} is the event name, then its arguments), for adapters.
     *
     * @return false when nothing here handles that event
     */
    public boolean dispatchServerSideEmit(ArrayNode data, Ack ack) {
        ServerSideHandler handler = data.isEmpty() ? null : serverSideHandlers.get(data.get(0).asText());
        if (handler == null) {
            return false;
        }
        try {
            handler.onEvent(new EventArgs(data, 1, server.mapper()), ack);
        } catch (RuntimeException e) {
            log.warn("namespace {}: server-side handler of '{}' failed", name, data.get(0).asText(), e);
        }
        return true;
    }

    public BroadcastOperator to(String... rooms) {
        return new BroadcastOperator(this).to(rooms);
    }

    public BroadcastOperator in(String... rooms) {
        return to(rooms);
    }

    public BroadcastOperator except(String... rooms) {
        return new BroadcastOperator(this).except(rooms);
    }

    public BroadcastOperator asVolatile() {
        return new BroadcastOperator(this).asVolatile();
    }

    public BroadcastOperator local() {
        return new BroadcastOperator(this).local();
    }

    /** Emits to every socket of the namespace. */
    public void emit(String event, Object... args) {
        new BroadcastOperator(this).emit(event, args);
    }

    /** @return the socket of this node with that id, or null */
    public Socket socket(String id) {
        return sockets.get(id);
    }

    int socketCount() {
        return sockets.size();
    }

    /** Rooms with a socket of this node in them, not counting each socket's own. */
    int roomCount() {
        int count = 0;
        for (String room : adapter.rooms()) {
            if (!sockets.containsKey(room)) {
                count++;
            }
        }
        return count;
    }

    /** The sockets of this node. */
    public Collection<Socket> sockets() {
        return Collections.unmodifiableCollection(sockets.values());
    }

    public void disconnectSockets(boolean close) {
        new BroadcastOperator(this).disconnectSockets(close);
    }

    // ---- internals shared with sockets, adapters and clients ----

    ArrayNode eventPayload(String event, Object... args) {
        ArrayNode payload = server.mapper().createArrayNode();
        payload.add(event);
        for (Object arg : args) {
            payload.add(toTree(arg));
        }
        return payload;
    }

    JsonNode toTree(Object value) {
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof byte[] bytes) {
            return BinaryNode.valueOf(bytes);
        }
        return server.mapper().valueToTree(value);
    }

    long nextAckId() {
        return ackIds.getAndIncrement();
    }

    /** Encodes a packet of this namespace; the caller owns the frames. */
    public List<Frame> encode(Packet packet) {
        return server.encoder().encode(packet);
    }

    /**
     * Closes this node's socket of that id, if it has that pid, because its client recovered it on another node: the
     * client left that connection, and the recovered socket owns the rooms and the recovery session now.
     */
    public void supersede(String socketId, String pid) {
        Socket socket = sockets.get(socketId);
        if (socket != null && pid.equals(socket.pid())) {
            socket.supersede();
        }
    }

    /** Whether another socket of the same id is registered here: one that recovered this one's session. */
    boolean displaced(Socket socket) {
        Socket current = sockets.get(socket.id());
        return current != null && current != socket;
    }

    /**
     * Unregisters a closing socket and runs {@code cleanup} (its rooms, its session) in the same atomic step, unless
     * another socket of that id took its place: then its rooms and session are that socket's, and are left alone.
     */
    void release(Socket socket, Runnable cleanup) {
        sockets.compute(socket.id(), (id, current) -> {
            if (current != null && current != socket) {
                return current;
            }
            cleanup.run();
            return null;
        });
    }

    /** A client asked to join; runs on its loop. */
    void add(Client client, JsonNode auth) {
        RecoveryOptions recovery = server.options().recovery();
        Handshake handshake = new Handshake(client.session().request(), auth);
        if (recovery != null && auth.path("pid").isTextual() && auth.path("offset").isTextual()) {
            String pid = auth.get("pid").asText();
            String offset = auth.get("offset").asText();
            adapter.restoreSession(pid, offset).whenComplete((session, error) -> client.session().execute(() -> {
                if (!client.isOpen()) {
                    giveBack(session);
                    return;
                }
                if (error != null) {
                    log.warn("namespace {}: restoring session {} failed", name, pid, error);
                }
                if (session != null) {
                    recover(client, handshake, session, offset, recovery);
                } else {
                    server.metrics().notRecovered.increment();
                    connectNew(client, handshake);
                }
            }));
            return;
        }
        connectNew(client, handshake);
    }

    private void connectNew(Client client, Handshake handshake) {
        String pid = server.options().recovery() != null ? Ids.newId() : null;
        Socket socket = new Socket(this, client, handshake, Ids.newId(), pid, server.mapper().createObjectNode(),
                false);
        runMiddlewares(client, socket, 0, () -> {
            register(client, socket);
            connected(socket, List.of());
        }, () -> { });
    }

    private void recover(Client client, Handshake handshake, PersistedSession session, String offset,
            RecoveryOptions recovery) {
        // A copy: what the middlewares write must not reach the session, which may yet be given back.
        Socket socket = new Socket(this, client, handshake, session.sid(), session.pid(), session.data().deepCopy(),
                true);
        Runnable restore = () -> takeOver(client, session, () -> {
            // In its rooms before the replay is read, so nothing falls between the two; the socket holds back
            // live events until the replay is out and drops those the replay already had.
            register(client, socket);
            if (session.rooms().size() <= 1) {
                // Counted here, told by the application, which knows whose socket it is.
                log.debug("namespace {}: socket {} recovered in no room but its own", name, socket.id());
                server.metrics().recoveredWithoutRooms.increment();
            }
            adapter.addAll(socket.id(), session.rooms());
            adapter.replay(session, offset).whenComplete((missed, error) -> client.session().execute(() -> {
                if (!client.isOpen()) {
                    return;
                }
                if (missed == null) {
                    log.debug("namespace {}: offset of session {} is gone, connecting afresh", name, session.pid());
                    server.metrics().notRecovered.increment();
                    socket.onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
                    client.connecting(name);
                    connectNew(client, handshake);
                    return;
                }
                server.metrics().recovered.increment();
                connected(socket, missed);
            }));
        });
        if (recovery.skipMiddlewares()) {
            restore.run();
        } else {
            runMiddlewares(client, socket, 0, () -> {
                if (socket.recoveryDeclined()) {
                    giveBack(session);
                    server.metrics().notRecovered.increment();
                    connectNew(client, handshake);
                } else {
                    restore.run();
                }
            }, () -> giveBack(session));
        }
    }

    /**
     * Runs {@code then} once no socket of the session's id is left here. One still here is the connection its client
     * gave up on (a poll that failed while nodes restarted) though this node has not noticed yet: it is closed
     * first, with its own rooms, so that nothing it does later can touch the rooms of the socket that takes over.
     */
    private void takeOver(Client client, PersistedSession session, Runnable then) {
        Socket twin = sockets.get(session.sid());
        if (twin == null) {
            then.run();
            return;
        }
        twin.supersede().whenComplete((done, error) -> client.session().execute(() -> {
            if (!client.isOpen()) {
                giveBack(session);
                return;
            }
            takeOver(client, session, then);
        }));
    }

    /**
     * A restored session whose client went away before its socket was back: kept again for the client's next try,
     * which still has the same pid and offset.
     */
    private void giveBack(PersistedSession session) {
        if (session != null) {
            adapter.persistSession(session);
        }
    }

    /** @param abandoned run when the client is gone before the middlewares are done */
    private void runMiddlewares(Client client, Socket socket, int index, Runnable then, Runnable abandoned) {
        if (index == middlewares.size()) {
            then.run();
            return;
        }
        Middleware middleware = middlewares.get(index);
        CompletionStage<?> stage;
        try {
            stage = middleware.apply(socket);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((result, error) -> client.session().execute(() -> {
            if (!client.isOpen()) {
                abandoned.run();
                return;
            }
            if (error != null) {
                client.refuse(name, asConnectError(error));
            } else {
                runMiddlewares(client, socket, index + 1, then, abandoned);
            }
        }));
    }

    private ConnectError asConnectError(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ConnectError connectError) {
            return connectError;
        }
        log.warn("namespace {}: middleware failed", name, cause);
        return new ConnectError("Internal error");
    }

    private void register(Client client, Socket socket) {
        sockets.put(socket.id(), socket);
        client.register(socket);
    }

    private void connected(Socket socket, List<ReplayedPacket> missed) {
        adapter.addAll(socket.id(), Set.of(socket.id()));
        socket.completeConnect(missed);
        for (Consumer<Socket> listener : connectionListeners) {
            try {
                listener.accept(socket);
            } catch (RuntimeException e) {
                log.warn("namespace {}: connection listener failed for socket {}", name, socket.id(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "Namespace{" + name + "}";
    }
}
