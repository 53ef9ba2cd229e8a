package dev.chorus.chat.rooms;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.engine.sio.Ack;
import dev.chorus.engine.sio.Socket;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What every part of the chat's Socket.IO face reads off a socket, and how it answers a refusal. */
final class ChatSockets {
    /** The socket's user, from its login session: never from what the client sends. */
    static final String USER = "user";
    static final String SESSION = "session";

    private ChatSockets() {
    }

    static String userOf(Socket socket) {
        return socket.data().path(USER).asText();
    }

    static List<String> chatRoomsOf(Socket socket) {
        return socket.rooms().stream().filter(room -> RoomNames.isChatRoom(room, socket.id())).toList();
    }

    static Map<String, String> presence(String room, String user, String status) {
        return Map.of("room", room, "user", user, "status", status);
    }

    /** Answers the problem, if there is one. @return whether there was */
    static boolean refused(Optional<String> problem, Ack ack) {
        problem.ifPresent(reason -> ack.send(error(reason)));
        return problem.isPresent();
    }

    static ObjectNode error(String reason) {
        return JsonNodeFactory.instance.objectNode().put("error", reason);
    }
}
