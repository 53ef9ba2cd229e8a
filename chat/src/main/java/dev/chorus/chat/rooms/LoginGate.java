package dev.chorus.chat.rooms;

import static dev.chorus.chat.rooms.ChatSockets.SESSION;
import static dev.chorus.chat.rooms.ChatSockets.USER;
import static dev.chorus.chat.rooms.ChatSockets.userOf;

import dev.chorus.chat.web.SessionCookie;
import dev.chorus.core.session.Admission;
import dev.chorus.engine.sio.ConnectError;
import dev.chorus.engine.sio.DisconnectReason;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Socket;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who gets in, as the core's {@link Admission} decides: a socket only with a logged-in session (from the session
 * cookie of its handshake), whose user it then is. Each socket joins its user's own room (direct messages, kicks);
 * a session that ends takes its sockets on this node with it, a kick the user's sockets on every node.
 */
final class LoginGate {
    private static final Logger log = LoggerFactory.getLogger(LoginGate.class);

    private final Admission admission;
    private final SessionCookie cookie;

    LoginGate(Admission admission, SessionCookie cookie) {
        this.admission = admission;
        this.cookie = cookie;
    }

    void install(Namespace nsp) {
        nsp.use(socket -> admission.admit(cookie.read(socket.handshake().headers())).thenAccept(outcome -> {
            if (outcome instanceof Admission.Outcome.Admitted admitted) {
                String user = admitted.session().username();
                String before = socket.data().path(USER).asText(null);
                if (socket.recovered() && before != null && !Channels.user(before).equals(Channels.user(user))) {
                    // Its rooms and missed messages are the other user's (their direct messages among them).
                    log.warn("user {}: socket {} asked to recover a session of {}; connected afresh instead", user,
                            socket.id(), before);
                    socket.declineRecovery();
                }
                socket.data().put(USER, user);
                socket.data().put(SESSION, admitted.session().id());
            } else if (outcome instanceof Admission.Outcome.TooManyConnections tooMany) {
                throw tooManyConnections(tooMany.max());
            } else {
                log.info("socket {} from {} refused: no logged-in session", socket.id(), socket.handshake().address());
                throw new ConnectError("unauthorized");
            }
        }));
        nsp.onConnection(this::onConnection);
        admission.onSessionEnded(sessionId -> disconnectSession(nsp, sessionId));
        admission.onKicked(user -> nsp.in(Channels.user(user)).disconnectSockets(true));
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

    private static ConnectError tooManyConnections(int max) {
        return new ConnectError("too many connections", Map.of("max", max,
                "reason", "a user may have at most " + max + " connections open"));
    }

    private void onConnection(Socket socket) {
        String user = userOf(socket);
        String session = socket.data().path(SESSION).asText();
        admission.holds(session);
        admission.connected(user, socket.id()).whenComplete((counted, error) -> {
            if (error != null) {
                log.warn("user {}: connection {} could not be counted", user, socket.id(), error);
            } else if (!counted) {
                log.info("user {}: connection {} refused, {} already open", user, socket.id(),
                        admission.maxConnectionsPerUser());
                socket.emit("error", Map.of("message",
                        tooManyConnections(admission.maxConnectionsPerUser()).getMessage()));
                socket.disconnect();
            }
        });
        socket.onDisconnect((s, reason) -> {
            admission.disconnected(user, s.id());
            admission.released(session);
            if (reason == DisconnectReason.SUPERSEDED) {
                log.info("user {}: socket {} recovered on a new connection; the connection it left is closed", user,
                        s.id());
            }
        });
        for (String room : List.copyOf(socket.rooms())) {
            if (Channels.isUserChannel(room) && !room.equals(Channels.user(user))) {
                log.warn("user {}: socket {} came back in another user's channel {}; left it", user, socket.id(),
                        room);
                socket.leave(room);
            }
        }
        if (socket.recovered() && !socket.rooms().contains(Channels.user(user))) {
            // Its session was saved after the socket had left every room: the rooms it was in are lost to it.
            log.warn("user {}: socket {} recovered without its rooms", user, socket.id());
        }
        socket.join(Channels.user(user));
    }
}
