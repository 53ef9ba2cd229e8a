package dev.chorus.chat.rooms;

import static dev.chorus.chat.rooms.ChatSockets.SESSION;
import static dev.chorus.chat.rooms.ChatSockets.USER;
import static dev.chorus.chat.rooms.ChatSockets.userOf;

import dev.chorus.chat.limits.UserConnections;
import dev.chorus.chat.session.Sessions;
import dev.chorus.chat.web.SessionCookie;
import dev.chorus.engine.sio.ConnectError;
import dev.chorus.engine.sio.DisconnectReason;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Socket;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who gets in: a socket only with a logged-in session, whose user it then is, and only while that user has fewer
 * connections open than allowed. Each socket joins its user's own room (direct messages, kicks); a session that
 * ends takes its sockets on this node with it.
 */
final class LoginGate {
    private static final Logger log = LoggerFactory.getLogger(LoginGate.class);

    private final Sessions sessions;
    private final SessionCookie cookie;
    private final UserConnections connections;

    LoginGate(Sessions sessions, SessionCookie cookie, UserConnections connections) {
        this.sessions = sessions;
        this.cookie = cookie;
        this.connections = connections;
    }

    void install(Namespace nsp) {
        nsp.use(socket -> sessions.resolve(cookie.read(socket.handshake().headers())).thenCompose(session -> {
            if (session.isEmpty()) {
                log.info("socket {} from {} refused: no logged-in session", socket.id(), socket.handshake().address());
                throw new ConnectError("unauthorized");
            }
            String user = session.get().username();
            return connections.hasRoom(user).thenAccept(hasRoom -> {
                if (!hasRoom) {
                    throw tooManyConnections();
                }
                socket.data().put(USER, user);
                socket.data().put(SESSION, session.get().id());
            });
        }));
        nsp.onConnection(this::onConnection);
        sessions.onClose(sessionId -> disconnectSession(nsp, sessionId));
    }

    /** A session that ended takes its sockets on this node with it: a logout ends the chat, not just the cookie. */
    private static void disconnectSession(Namespace nsp, String sessionId) {
        for (Socket socket : nsp.sockets()) {
            if (sessionId.equals(socket.data().path(SESSION).asText(null))) {
                log.info("user {}: socket {} disconnected, its session ended", userOf(socket), socket.id());
                socket.disconnect();
            }
        }
    }

    private ConnectError tooManyConnections() {
        int max = connections.maxPerUser();
        return new ConnectError("too many connections", Map.of("max", max,
                "reason", "a user may have at most " + max + " connections open"));
    }

    private void onConnection(Socket socket) {
        String user = userOf(socket);
        // Counted once connected, and uncounted on disconnect: the two always pair. Two connections let in at the
        // same moment can make one too many; the later one goes.
        connections.add(user, socket.id()).whenComplete((counted, error) -> {
            if (error != null) {
                log.warn("user {}: connection {} could not be counted", user, socket.id(), error);
            } else if (!counted) {
                log.info("user {}: connection {} refused, {} already open", user, socket.id(),
                        connections.maxPerUser());
                socket.emit("error", Map.of("message", tooManyConnections().getMessage()));
                socket.disconnect();
            }
        });
        socket.onDisconnect((s, reason) -> {
            connections.remove(user, s.id());
            if (reason == DisconnectReason.SUPERSEDED) {
                log.info("user {}: socket {} recovered on a new connection; the connection it left is closed", user,
                        s.id());
            }
        });
        if (socket.recovered() && !socket.rooms().contains(RoomNames.userChannel(user))) {
            // Its session was saved after the socket had left every room: the rooms it was in are lost to it.
            log.warn("user {}: socket {} recovered without its rooms", user, socket.id());
        }
        socket.join(RoomNames.userChannel(user));
    }
}
