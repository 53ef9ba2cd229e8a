package dev.chorus.chat.rooms;

import static dev.chorus.chat.rooms.ChatSockets.answer;
import static dev.chorus.chat.rooms.ChatSockets.error;
import static dev.chorus.chat.rooms.ChatSockets.userOf;

import dev.chorus.core.history.History;
import dev.chorus.core.room.Rooms;
import dev.chorus.engine.sio.Ack;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What was said — a room's history, a direct conversation's — and which rooms have someone in them. */
final class HistoryQueries {
    private static final Logger log = LoggerFactory.getLogger(HistoryQueries.class);

    private final History history;
    private final Rooms rooms;

    HistoryQueries(History history, Rooms rooms) {
        this.history = history;
        this.rooms = rooms;
    }

    void install(Namespace nsp) {
        nsp.onEvent("history", Requests.History.class, this::history)
                .onEvent("rooms", (s, args, ack) -> roomList(s, ack))
                .onEvent("dm-history", Requests.DirectHistory.class, this::directHistory);
    }

    private void history(Socket socket, Requests.History request, Ack ack) {
        history.room(userOf(socket), request.room(), request.before(), request.after(), request.limit())
                .whenComplete((answer, error) -> {
                    if (error != null) {
                        log.warn("history of room {} could not be read", request.room(), error);
                        ack.send(error("history is not available"));
                    } else {
                        answer(ack, answer, page -> Map.of("room", request.room(), "messages", page));
                    }
                });
    }

    private void directHistory(Socket socket, Requests.DirectHistory request, Ack ack) {
        String me = userOf(socket);
        history.direct(me, request.with(), request.before(), null, request.limit()).whenComplete((answer, error) -> {
            if (error != null) {
                log.warn("direct history of {} with {} could not be read", me, request.with(), error);
                ack.send(error("history is not available"));
            } else {
                answer(ack, answer, page -> Map.of("with", request.with(), "messages", page.stream()
                        .map(m -> MessageEmits.direct(m, m.user(), m.user().equalsIgnoreCase(me) ? request.with() : me))
                        .toList()));
            }
        });
    }

    private void roomList(Socket socket, Ack ack) {
        rooms.list(userOf(socket)).whenComplete((answer, error) -> {
            if (error != null) {
                log.warn("the room list could not be read", error);
                ack.send(error("rooms are not available"));
                return;
            }
            answer(ack, answer, counts -> {
                List<Map<String, Object>> list = new ArrayList<>();
                counts.forEach((name, members) -> list.add(Map.of("name", name, "members", members)));
                return Map.of("rooms", list);
            });
        });
    }
}
