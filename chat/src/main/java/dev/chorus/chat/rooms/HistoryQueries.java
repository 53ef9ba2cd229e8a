package dev.chorus.chat.rooms;

import static dev.chorus.chat.rooms.ChatSockets.error;
import static dev.chorus.chat.rooms.ChatSockets.refused;
import static dev.chorus.chat.rooms.ChatSockets.userOf;

import dev.chorus.chat.account.UsernameRules;
import dev.chorus.chat.history.ChatMessage;
import dev.chorus.chat.history.HistoryStore;
import dev.chorus.chat.presence.Presence;
import dev.chorus.engine.sio.Ack;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What was said — a room's history, a direct conversation's — and which rooms have someone in them. */
final class HistoryQueries {
    private static final Logger log = LoggerFactory.getLogger(HistoryQueries.class);
    private static final int MAX_HISTORY_PAGE = 100;
    private static final int DEFAULT_HISTORY_PAGE = 50;

    private final HistoryStore history;
    private final Presence presence;

    HistoryQueries(HistoryStore history, Presence presence) {
        this.history = history;
        this.presence = presence;
    }

    void install(Namespace nsp) {
        nsp.onEvent("history", Requests.History.class, this::history)
                .onEvent("rooms", (s, args, ack) -> roomList(ack))
                .onEvent("dm-history", Requests.DirectHistory.class, this::directHistory);
    }

    private static int pageSize(Integer asked) {
        return asked == null ? DEFAULT_HISTORY_PAGE : Math.max(1, Math.min(MAX_HISTORY_PAGE, asked));
    }

    private void history(Socket socket, Requests.History request, Ack ack) {
        if (refused(RoomNames.check(request.room()), ack)) {
            return;
        }
        int limit = pageSize(request.limit());
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

    private void directHistory(Socket socket, Requests.DirectHistory request, Ack ack) {
        String me = userOf(socket);
        if (refused(UsernameRules.check(request.with()), ack)) {
            return;
        }
        history.before(RoomNames.direct(me, request.with()), request.before(), pageSize(request.limit()))
                .whenComplete((messages, error) -> {
                    if (error != null) {
                        log.warn("direct history of {} with {} could not be read", me, request.with(), error);
                        ack.send(error("history is not available"));
                        return;
                    }
                    ack.send(Map.of("with", request.with(), "messages", messages.stream()
                            .map(m -> Messaging.directPayload(m, m.user(),
                                    m.user().equalsIgnoreCase(me) ? request.with() : me))
                            .toList()));
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
}
