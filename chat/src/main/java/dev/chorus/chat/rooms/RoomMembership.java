package dev.chorus.chat.rooms;

import static dev.chorus.chat.rooms.ChatSockets.answer;
import static dev.chorus.chat.rooms.ChatSockets.chatRoomsOf;
import static dev.chorus.chat.rooms.ChatSockets.error;
import static dev.chorus.chat.rooms.ChatSockets.presence;
import static dev.chorus.chat.rooms.ChatSockets.userOf;

import dev.chorus.core.room.RoomEvents;
import dev.chorus.core.room.Rooms;
import dev.chorus.engine.sio.Ack;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Socket;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms on Socket.IO: events {@code join}, {@code leave} and {@code typing} go to the core's {@link Rooms}, whose
 * events come back as emits — {@code presence} to the sockets that asked for a room's, {@code typing} to the others
 * in the room, {@code room-closed} to everyone in a closed room, on every node.
 */
final class RoomMembership implements RoomEvents {
    private static final Logger log = LoggerFactory.getLogger(RoomMembership.class);
    /** The server-side event that closes a room on the other nodes. */
    private static final String CLOSE_ROOM = "chorus:close-room";

    private final Namespace nsp;
    private final Rooms rooms;

    RoomMembership(Namespace nsp, Rooms rooms) {
        this.nsp = nsp;
        this.rooms = rooms;
    }

    void install() {
        rooms.listen(this);
        nsp.onConnection(this::onConnection);
        nsp.onEvent("join", Requests.Join.class, this::join)
                .onEvent("leave", Requests.Room.class, this::leave)
                .onEvent("typing", Requests.Room.class,
                        (socket, request, ack) -> rooms.typing(new SocketConnection(socket), request.room()));
        nsp.onServerSideEmit(CLOSE_ROOM, (args, ack) -> closeHere(args.get(0).asText()));
    }

    private void onConnection(Socket socket) {
        // A recovered socket is back in its rooms without having joined them here.
        rooms.returned(new SocketConnection(socket), chatRoomsOf(socket));
        socket.onDisconnecting((s, reason) -> chatRoomsOf(s).forEach(room -> rooms.left(new SocketConnection(s),
                room)));
    }

    /**
     * Presence events and the member list go only to the sockets that asked for them: a web chat shows who is
     * there and who comes and goes, while a client that only sends and receives messages is spared them — in a room
     * of n members, n joins would otherwise cost n² deliveries and n² names.
     */
    private void join(Socket socket, Requests.Join request, Ack ack) {
        boolean watch = Boolean.TRUE.equals(request.presence());
        rooms.join(new SocketConnection(socket), request.room(), watch)
                .whenComplete((answer, error) -> {
                    if (error != null) {
                        log.warn("user {}: members of room {} could not be read", userOf(socket), request.room(),
                                error);
                        ack.send(error("the room is not available"));
                    } else {
                        answer(ack, answer, members -> watch ? Map.of("ok", true, "members", members)
                                : Map.of("ok", true));
                    }
                });
    }

    private void leave(Socket socket, Requests.Room request, Ack ack) {
        rooms.leave(new SocketConnection(socket), request.room()).whenComplete((answer, error) -> {
            if (error != null) {
                log.warn("user {}: leaving room {} failed", userOf(socket), request.room(), error);
                ack.send(error("the room is not available"));
            } else {
                answer(ack, answer, left -> Map.of("ok", true));
            }
        });
    }

    @Override
    public void online(String room, String user, String origin) {
        nsp.to(Channels.presence(room)).except(origin).emit("presence", presence(room, user, "online"));
    }

    @Override
    public void offline(String room, String user, String origin) {
        var operator = nsp.to(Channels.presence(room));
        (origin == null ? operator : operator.except(origin)).emit("presence", presence(room, user, "offline"));
    }

    @Override
    public void typing(String room, String user, String origin) {
        nsp.to(room).except(origin).asVolatile().emit("typing", Map.of("room", room, "user", user));
    }

    /** Everyone in the room, on every node, is told {@code room-closed {room}} and taken out, as if they had left. */
    @Override
    public void closed(String room) {
        closeHere(room);
        nsp.serverSideEmit(CLOSE_ROOM, room);
    }

    private void closeHere(String room) {
        for (Socket socket : nsp.in(room).localSockets()) {
            // On the socket's loop, as its own leave would be: the two cannot both take it out.
            socket.execute(() -> {
                if (socket.rooms().contains(room)) {
                    socket.emit("room-closed", Map.of("room", room));
                    rooms.remove(new SocketConnection(socket), room);
                }
            });
        }
    }
}
