package dev.chorus.chat.rooms;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.chat.account.UsernameRules;
import dev.chorus.chat.history.ChatMessage;
import dev.chorus.chat.history.HistoryStore;
import dev.chorus.chat.limits.UserConnections;
import dev.chorus.chat.presence.Presence;
import dev.chorus.chat.publish.Post;
import dev.chorus.chat.publish.Publication;
import dev.chorus.chat.publish.Publisher;
import dev.chorus.chat.session.Sessions;
import dev.chorus.chat.web.SessionCookie;
import dev.chorus.engine.sio.Ack;
import dev.chorus.engine.sio.ConnectError;
import dev.chorus.engine.sio.DisconnectReason;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat on a Socket.IO namespace: a socket gets in only with a logged-in session (its user comes from the
 * session, never from what the client sends), then joins rooms (the others there see it come online; it gets the
 * member list), sends messages — stored in the room's history, then broadcast to the room — reads history, shows
 * that it is typing, and sends direct messages to another user's sockets.
 */
public final class ChatRooms {
    private static final Logger log = LoggerFactory.getLogger(ChatRooms.class);
    static final String USER = "user";
    static final String SESSION = "session";
    private static final int MAX_HISTORY_PAGE = 100;
    /** The server-side event that closes a room on the other nodes. */
    private static final String CLOSE_ROOM = "chorus:close-room";

    private final Namespace nsp;
    private final Sessions sessions;
    private final SessionCookie cookie;
    private final HistoryStore history;
    private final Presence presence;
    private final Publisher publisher;
    private final Clock clock;
    private final Limits limits;

    /**
     * The Vines-style limits: the largest message text and the connections a user may have open at once (how fast
     * a user may send is the {@link Publisher}'s to check).
     */
    public record Limits(int maxMessageBytes, UserConnections connections) {
    }

    private static final int MAX_CLIENT_ID = 64;

    public ChatRooms(Namespace nsp, Sessions sessions, SessionCookie cookie, HistoryStore history, Presence presence,
            Publisher publisher, Clock clock, Limits limits) {
        this.nsp = nsp;
        this.sessions = sessions;
        this.cookie = cookie;
        this.history = history;
        this.presence = presence;
        this.publisher = publisher;
        this.clock = clock;
        this.limits = limits;
    }

    /** Installs the login check and the chat events on the namespace. */
    public void install() {
        nsp.use(socket -> sessions.resolve(cookie.read(socket.handshake().headers())).thenCompose(session -> {
            if (session.isEmpty()) {
                log.info("socket {} from {} refused: no logged-in session", socket.id(), socket.handshake().address());
                throw new ConnectError("unauthorized");
            }
            String user = session.get().username();
            return limits.connections().hasRoom(user).thenAccept(hasRoom -> {
                if (!hasRoom) {
                    throw tooManyConnections();
                }
                socket.data().put(USER, user);
                socket.data().put(SESSION, session.get().id());
            });
        }));
        nsp.onConnection(this::onConnection);
        nsp.onEvent("join", Requests.Join.class, this::join)
                .onEvent("leave", Requests.Room.class, this::leave)
                .onEvent("message", Requests.Message.class, this::message)
                .onEvent("history", Requests.History.class, this::history)
                .onEvent("rooms", (s, args, ack) -> roomList(ack))
                .onEvent("typing", Requests.Room.class, this::typing)
                .onEvent("dm", Requests.Direct.class, this::direct)
                .onEvent("dm-history", Requests.DirectHistory.class, this::directHistory);
        nsp.onServerSideEmit(CLOSE_ROOM, (args, ack) -> closeHere(args.get(0).asText()));
        sessions.onClose(this::disconnectSession);
        presence.onVanished((room, user) -> nsp.to(RoomNames.presenceChannel(room))
                .emit("presence", presence(room, user, "offline")));
    }

    /** A session that ended takes its sockets on this node with it: a logout ends the chat, not just the cookie. */
    private void disconnectSession(String sessionId) {
        for (Socket socket : nsp.sockets()) {
            if (sessionId.equals(socket.data().path(SESSION).asText(null))) {
                log.info("user {}: socket {} disconnected, its session ended", userOf(socket), socket.id());
                socket.disconnect();
            }
        }
    }

    private ConnectError tooManyConnections() {
        int max = limits.connections().maxPerUser();
        return new ConnectError("too many connections", Map.of("max", max,
                "reason", "a user may have at most " + max + " connections open"));
    }

    private void onConnection(Socket socket) {
        String user = userOf(socket);
        // Counted once connected, and uncounted on disconnect: the two always pair. Two connections let in at the
        // same moment can make one too many; the later one goes.
        limits.connections().add(user, socket.id()).whenComplete((counted, error) -> {
            if (error != null) {
                log.warn("user {}: connection {} could not be counted", user, socket.id(), error);
            } else if (!counted) {
                log.info("user {}: connection {} refused, {} already open", user, socket.id(),
                        limits.connections().maxPerUser());
                socket.emit("error", Map.of("message", tooManyConnections().getMessage()));
                socket.disconnect();
            }
        });
        socket.onDisconnect((s, reason) -> {
            limits.connections().remove(user, s.id());
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
        // A recovered socket is back in its rooms without having joined them here: it is present again.
        chatRoomsOf(socket).forEach(room -> presence.enter(room, user).thenAccept(first -> {
            if (first) {
                socket.to(RoomNames.presenceChannel(room)).emit("presence", presence(room, user, "online"));
            }
        }));
        socket.onDisconnecting((s, reason) -> chatRoomsOf(s).forEach(room -> exit(s, room)));
    }

    /**
     * Presence events go only to the sockets that asked for them: a web chat shows who comes and goes, while a
     * client that only sends and receives messages is spared them — in a room of n members, n joins would otherwise
     * cost n² deliveries.
     */
    private void join(Socket socket, Requests.Join request, Ack ack) {
        if (refused(RoomNames.check(request.room()), ack)) {
            return;
        }
        String room = request.room();
        String user = userOf(socket);
        CompletableFuture<Boolean> entered = CompletableFuture.completedFuture(false);
        if (!socket.rooms().contains(room)) {
            socket.join(room);
            entered = presence.enter(room, user);
        }
        if (Boolean.TRUE.equals(request.presence())) {
            socket.join(RoomNames.presenceChannel(room));
        } else {
            socket.leave(RoomNames.presenceChannel(room));
        }
        entered.thenCompose(first -> {
            if (first) {
                socket.to(RoomNames.presenceChannel(room)).emit("presence", presence(room, user, "online"));
            }
            return presence.members(room);
        }).whenComplete((members, error) -> {
            if (error != null) {
                log.warn("user {}: members of room {} could not be read", user, room, error);
                ack.send(error("the room is not available"));
                return;
            }
            ack.send(Map.of("ok", true, "members", members));
        });
    }

    private void leave(Socket socket, Requests.Room request, Ack ack) {
        if (refused(RoomNames.check(request.room()), ack)) {
            return;
        }
        if (socket.rooms().contains(request.room())) {
            socket.leave(request.room());
            socket.leave(RoomNames.presenceChannel(request.room()));
            exit(socket, request.room());
        }
        ack.send(Map.of("ok", true));
    }

    /** Tells the room a user went offline there, unless another of the user's sockets is still in it. */
    private void exit(Socket leaving, String room) {
        String user = userOf(leaving);
        presence.exit(room, user).whenComplete((gone, error) -> {
            if (error != null) {
                log.warn("user {}: leaving room {} not recorded", user, room, error);
            } else if (gone) {
                nsp.to(RoomNames.presenceChannel(room)).except(leaving.id())
                        .emit("presence", presence(room, user, "offline"));
            }
        });
    }

    private static List<String> chatRoomsOf(Socket socket) {
        return socket.rooms().stream().filter(room -> RoomNames.isChatRoom(room, socket.id())).toList();
    }

    private static Map<String, String> presence(String room, String user, String status) {
        return Map.of("room", room, "user", user, "status", status);
    }

    private static String userOf(Socket socket) {
        return socket.data().path(USER).asText();
    }

    /** A typing indicator: volatile, to the others in the room, dropped for clients that cannot take it now. */
    private void typing(Socket socket, Requests.Room request, Ack ack) {
        if (RoomNames.check(request.room()).isPresent()) {
            return;
        }
        String room = request.room();
        if (socket.rooms().contains(room)) {
            socket.to(room).asVolatile().emit("typing", Map.of("room", request.room(), "user", userOf(socket)));
        }
    }

    /** A direct message: stored in the pair's conversation, sent to every socket of both users. */
    private void direct(Socket socket, Requests.Direct request, Ack ack) {
        String from = userOf(socket);
        Optional<String> badName = UsernameRules.check(request.to());
        if (refused(badName.map(reason -> "to: " + reason), ack) || refused(textProblem(request.text()), ack)
                || refused(clientIdProblem(request.clientId()), ack)) {
            return;
        }
        String to = request.to();
        String key = request.clientId() == null ? null : "dm:" + to + ":" + request.clientId();
        publish(new Post(from, RoomNames.direct(from, to), request.text(), clock.millis(), key, "dm",
                List.of(RoomNames.userChannel(to), RoomNames.userChannel(from)),
                message -> directPayload(message, from, to)), ack);
    }

    /** A direct message as its two users see it. Its id comes first, as a {@link Post}'s payload must have it. */
    record DirectMessage(long id, String from, String to, String text, long ts) {
    }

    private void publish(Post post, Ack ack) {
        publisher.publish(post).whenComplete((publication, error) -> {
            if (error != null) {
                log.warn("message of {} to {} not stored", post.user(), post.conversation(), error);
                ack.send(error("the message could not be stored"));
                return;
            }
            if (publication instanceof Publication.Published published) {
                ack.send(Map.of("id", published.message().id()));
            } else if (publication instanceof Publication.AlreadySent earlier) {
                ack.send(Map.of("id", earlier.id()));
            } else if (publication instanceof Publication.RateLimited limited) {
                ack.send(error("rate limited").put("retryAfterMs", limited.retryAfterMs()));
            }
        });
    }

    private static Optional<String> clientIdProblem(String clientId) {
        return clientId != null && (clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID)
                ? Optional.of("clientId must have 1 to " + MAX_CLIENT_ID + " characters") : Optional.empty();
    }

    private void directHistory(Socket socket, Requests.DirectHistory request, Ack ack) {
        String me = userOf(socket);
        if (refused(UsernameRules.check(request.with()), ack)) {
            return;
        }
        int limit = request.limit() == null ? 50 : Math.max(1, Math.min(MAX_HISTORY_PAGE, request.limit()));
        history.before(RoomNames.direct(me, request.with()), request.before(), limit)
                .whenComplete((messages, error) -> {
                    if (error != null) {
                        log.warn("direct history of {} with {} could not be read", me, request.with(), error);
                        ack.send(error("history is not available"));
                        return;
                    }
                    ack.send(Map.of("with", request.with(), "messages", messages.stream()
                            .map(m -> directPayload(m, m.user(), m.user().equalsIgnoreCase(me) ? request.with() : me))
                            .toList()));
                });
    }

    private static DirectMessage directPayload(ChatMessage message, String from, String to) {
        return new DirectMessage(message.id(), from, to, message.text(), message.ts());
    }

    private Optional<String> textProblem(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.of("text is required");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > limits.maxMessageBytes()) {
            return Optional.of("message is larger than " + limits.maxMessageBytes() + " bytes");
        }
        return Optional.empty();
    }

    private void message(Socket socket, Requests.Message request, Ack ack) {
        String room = request.room();
        if (refused(RoomNames.check(room), ack)) {
            return;
        }
        if (refused(textProblem(request.text()), ack) || refused(clientIdProblem(request.clientId()), ack)) {
            return;
        }
        if (!socket.rooms().contains(room)) {
            ack.send(error("join the room first"));
            return;
        }
        String user = userOf(socket);
        String key = request.clientId() == null ? null : "room:" + room + ":" + request.clientId();
        publish(new Post(user, room, request.text(), clock.millis(), key, "message",
                List.of(room), message -> message), ack);
    }

    private void history(Socket socket, Requests.History request, Ack ack) {
        if (refused(RoomNames.check(request.room()), ack)) {
            return;
        }
        int limit = request.limit() == null ? 50 : Math.max(1, Math.min(MAX_HISTORY_PAGE, request.limit()));
        CompletableFuture<List<ChatMessage>> page = request.after() != null
                ? history.after(request.room(), request.after(), limit)
                : history.before(request.room(), request.before(), limit);
        page.whenComplete((messages, error) -> {
            if (error != null) {
                log.warn("history of room {} could not be read", request.room(), error);
                ack.send(error("history is not available"));
                return;
            }
            ack.send(Map.of("room", request.room(), "messages", messages));
        });
    }

    private void roomList(Ack ack) {
        presence.rooms().whenComplete((counts, error) -> {
            if (error != null) {
                log.warn("the room list could not be read", error);
                ack.send(error("rooms are not available"));
                return;
            }
            List<Map<String, Object>> rooms = new ArrayList<>();
            counts.forEach((name, members) -> rooms.add(Map.of("name", name, "members", members)));
            rooms.sort((a, b) -> ((String) a.get("name")).compareTo((String) b.get("name")));
            ack.send(Map.of("rooms", rooms));
        });
    }

    /**
     * Ends a user's chat everywhere (an admin's kick): every session of theirs, so no socket of theirs can come back,
     * and every socket of theirs, on every node.
     *
     * @return how many sessions ended
     */
    public CompletableFuture<Integer> kick(String user) {
        // Sessions first: a client told it was disconnected asks whether it is still logged in, and must hear no.
        return sessions.closeAllOf(user).thenApply(ended -> {
            nsp.in(RoomNames.userChannel(user)).disconnectSockets(true);
            return ended;
        });
    }

    /** What is wrong with a room name, if anything. */
    public static Optional<String> checkRoomName(String room) {
        return RoomNames.check(room);
    }

    /**
     * Closes a room (an admin's doing): everyone in it, on every node, is told {@code room-closed {room}} and taken
     * out, as if they had left. The room's history stays; anyone may join it again.
     */
    public void closeRoom(String room) {
        closeHere(room);
        nsp.serverSideEmit(CLOSE_ROOM, room);
    }

    private void closeHere(String room) {
        for (Socket socket : nsp.in(room).localSockets()) {
            // On the socket's loop, as its own leave would be: the two cannot both take it out.
            socket.execute(() -> {
                if (socket.rooms().contains(room)) {
                    socket.emit("room-closed", Map.of("room", room));
                    socket.leave(room);
                    socket.leave(RoomNames.presenceChannel(room));
                    exit(socket, room);
                }
            });
        }
    }

    /** The rooms with someone in them, by name, with their members (read for at most {@code limit} rooms). */
    public CompletableFuture<Map<String, List<String>>> roomsWithMembers(int limit) {
        return presence.rooms().thenCompose(counts -> {
            List<String> names = counts.keySet().stream().sorted().limit(limit).toList();
            List<CompletableFuture<List<String>>> members = names.stream().map(presence::members).toList();
            return CompletableFuture.allOf(members.toArray(CompletableFuture[]::new)).thenApply(done -> {
                Map<String, List<String>> rooms = new TreeMap<>();
                for (int i = 0; i < names.size(); i++) {
                    rooms.put(names.get(i), members.get(i).join());
                }
                return rooms;
            });
        });
    }

    /** Who is online, anywhere, with how many sockets. */
    public CompletableFuture<Map<String, Integer>> online() {
        return limits.connections().online();
    }

    private static boolean refused(Optional<String> problem, Ack ack) {
        problem.ifPresent(reason -> ack.send(error(reason)));
        return problem.isPresent();
    }

    private static ObjectNode error(String reason) {
        return JsonNodeFactory.instance.objectNode().put("error", reason);
    }
}
