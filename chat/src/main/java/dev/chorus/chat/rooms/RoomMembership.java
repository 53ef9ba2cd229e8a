package dev.chorus.chat.rooms;

import static dev.chorus.chat.rooms.ChatSockets.chatRoomsOf;
import static dev.chorus.chat.rooms.ChatSockets.error;
import static dev.chorus.chat.rooms.ChatSockets.presence;
import static dev.chorus.chat.rooms.ChatSockets.refused;
import static dev.chorus.chat.rooms.ChatSockets.userOf;

import dev.chorus.chat.presence.Presence;
import dev.chorus.engine.sio.Ack;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is in which room: joining (the others there see the user come online; the socket gets the member list),
 * leaving, typing, and an admin closing a room on every node. A user is online in a room while any of their sockets
 * is in it.
 */
final class RoomMembership {
    private static final Logger log = LoggerFactory.getLogger(RoomMembership.class);
    /** The server-side event that closes a room on the other nodes. */
    private static final String CLOSE_ROOM = "chorus:close-room";

    private final Namespace nsp;
    private final Presence presence;

    RoomMembership(Namespace nsp, Presence presence) {
        this.nsp = nsp;
        this.presence = presence;
    }

    void install() {
        nsp.onConnection(this::onConnection);
        nsp.onEvent("join", Requests.Join.class, this::join)
                .onEvent("leave", Requests.Room.class, this::leave)
                .onEvent("typing", Requests.Room.class, this::typing);
        nsp.onServerSideEmit(CLOSE_ROOM, (args, ack) -> closeHere(args.get(0).asText()));
        presence.onVanished((room, user) -> nsp.to(RoomNames.presenceChannel(room))
                .emit("presence", presence(room, user, "offline")));
    }

    private void onConnection(Socket socket) {
        String user = userOf(socket);
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

    /** A typing indicator: volatile, to the others in the room, dropped for clients that cannot take it now. */
    private void typing(Socket socket, Requests.Room request, Ack ack) {
        String room = request.room();
        if (RoomNames.check(room).isEmpty() && socket.rooms().contains(room)) {
            socket.to(room).asVolatile().emit("typing", Map.of("room", room, "user", userOf(socket)));
        }
    }

    /**
     * Closes a room (an admin's doing): everyone in it, on every node, is told {@code room-closed {room}} and taken
     * out, as if they had left. The room's history stays; anyone may join it again.
     */
    void closeRoom(String room) {
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
}
