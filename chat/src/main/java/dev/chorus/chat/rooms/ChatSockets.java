package dev.chorus.chat.rooms;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.core.Answer;
import dev.chorus.engine.sio.Ack;
import dev.chorus.engine.sio.Socket;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
        return socket.rooms().stream().filter(room -> Channels.isChatRoom(room, socket.id())).toList();
    }

    static Map<String, String> presence(String room, String user, String status) {
        return Map.of("room", room, "user", user, "status", status);
    }

    /** Answers with what the core's answer shows when done, or with its refusal. */
    static <T> void answer(Ack ack, Answer<T> answer, Function<T, Object> shown) {
        if (answer instanceof Answer.Done<T> done) {
            ack.send(shown.apply(done.value()));
        } else {
            ack.send(error(((Answer.Refused<T>) answer).reason()));
        }
    }

    static ObjectNode error(String reason) {
        return JsonNodeFactory.instance.objectNode().put("error", reason);
    }
}
