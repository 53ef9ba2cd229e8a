package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.engine.eio.CloseReason;
import dev.chorus.engine.eio.EngineSession;
import dev.chorus.engine.eio.ProtocolException;
import dev.chorus.engine.eio.SessionHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Socket.IO side of one Engine.IO session: decodes its packets and routes them to its sockets, one per
 * namespace joined. Confined to the session's loop, except {@link #send}.
 */
final class Client implements SessionHandler {
    private final SocketIoServer server;
    private final EngineSession session;
    private final PacketDecoder decoder;
    // Sized for the usual client, one namespace: these live as long as the connection.
    private final Map<String, Socket> sockets = new HashMap<>(2);
    private final Set<String> connecting = new HashSet<>(2);
    /** Null once a socket connected or the client closed: an idle connection holds no timer. */
    private ScheduledFuture<?> connectTimer;
    private boolean open = true;
    /** Acknowledgements the client asked for and has not had yet, over all its sockets. */
    private final AtomicInteger owedAcks = new AtomicInteger();

    @Override
    public boolean owesAnswers() {
        return owedAcks.get() > 0;
    }

    /** Counts an acknowledgement the client asked for; {@link #ackSent} when it goes out. */
    void ackOwed() {
        owedAcks.incrementAndGet();
    }

    void ackSent() {
        owedAcks.decrementAndGet();
    }

    Client(SocketIoServer server, EngineSession session) {
        this.server = server;
        this.session = session;
        this.decoder = new PacketDecoder(server.mapper(), server.options().maxAttachments());
        this.connectTimer = session.eventLoop().schedule(() -> {
            if (sockets.isEmpty()) {
                session.close();
            }
        }, server.options().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    EngineSession session() {
        return session;
    }

    boolean isOpen() {
        return open && session.isOpen();
    }

    /** Encodes and sends a packet. Any thread. */
    void send(Packet packet) {
        if (packet.type() == PacketType.EVENT || packet.type() == PacketType.BINARY_EVENT) {
            server.metrics().eventsSent.increment();
        }
        session.send(server.encoder().encode(packet));
    }

    @Override
    public void onMessage(EngineSession from, String text) {
        Packet packet = decoder.decode(text);
        if (packet != null) {
            dispatch(packet);
        }
    }

    @Override
    public void onBinary(EngineSession from, byte[] bytes) {
        Packet packet = decoder.decodeBinary(bytes);
        if (packet != null) {
            dispatch(packet);
        }
    }

    private void dispatch(Packet packet) {
        if (packet.type() == PacketType.CONNECT) {
            connect(packet.nsp(), packet.data() == null ? server.mapper().createObjectNode() : packet.data());
            return;
        }
        Socket socket = sockets.get(packet.nsp());
        if (socket == null) {
            throw new ProtocolException("packet for namespace " + packet.nsp() + " that is not joined");
        }
        socket.onPacket(packet);
    }

    private void connect(String name, JsonNode auth) {
        if (sockets.containsKey(name) || connecting.contains(name)) {
            throw new ProtocolException("second CONNECT for namespace " + name);
        }
        Namespace nsp = server.namespace(name);
        if (nsp == null) {
            refuse(name, new ConnectError("Invalid namespace"));
            return;
        }
        connecting.add(name);
        nsp.add(this, auth);
    }

    void connecting(String name) {
        connecting.add(name);
    }

    void register(Socket socket) {
        String name = socket.namespace().name();
        connecting.remove(name);
        sockets.put(name, socket);
        cancelConnectTimer();
        session.established();
    }

    private void cancelConnectTimer() {
        if (connectTimer != null) {
            connectTimer.cancel(false);
            connectTimer = null;
        }
    }

    void remove(Socket socket) {
        sockets.remove(socket.namespace().name(), socket);
    }

    /** Ends the session once no socket is on it nor connecting: what a client that left it would have done. */
    void closeIfIdle() {
        if (sockets.isEmpty() && connecting.isEmpty()) {
            session.close();
        }
    }

    void refuse(String name, ConnectError error) {
        connecting.remove(name);
        ObjectNode body = server.mapper().createObjectNode().put("message", error.getMessage());
        if (error.data() != null) {
            body.set("data", server.mapper().valueToTree(error.data()));
        }
        send(new Packet(PacketType.CONNECT_ERROR, name, Packet.NO_ACK, body));
    }

    /** Disconnects every socket of this client, then ends the session. */
    void disconnectAll() {
        session.execute(() -> {
            for (Socket socket : new ArrayList<>(sockets.values())) {
                socket.disconnect();
            }
            session.close();
        });
    }

    @Override
    public void onClose(EngineSession from, CloseReason reason) {
        open = false;
        cancelConnectTimer();
        DisconnectReason why = DisconnectReason.of(reason);
        List<Socket> joined = new ArrayList<>(sockets.values());
        sockets.clear();
        connecting.clear();
        joined.forEach(socket -> socket.onClose(why));
    }
}
