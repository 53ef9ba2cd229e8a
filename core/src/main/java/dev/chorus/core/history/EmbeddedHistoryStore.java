package dev.chorus.core.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.core.store.EmbeddedDatabase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.h2.mvstore.MVMap;

/**
 * Room history in the embedded database: a map per room from id to message, trimmed to the last N. Committed by
 * the store's background commit (within a second) and on close, so that a burst of messages is not a burst of
 * file writes.
 */
public final class EmbeddedHistoryStore implements HistoryStore {
    private final EmbeddedDatabase db;
    private final int historyPerRoom;
    private final MVMap<String, Long> lastIds;
    /** Touched on the store's thread only. */
    private final Map<String, MVMap<Long, String>> histories = new HashMap<>();

    public EmbeddedHistoryStore(EmbeddedDatabase db, int historyPerRoom) {
        this.db = db;
        this.historyPerRoom = historyPerRoom;
        this.lastIds = db.map("room-last-ids");
    }

    /** Stores a message and gives it the room's next id. Appends to one room complete in id order. */
    public CompletableFuture<ChatMessage> append(String room, String user, String text, long ts) {
        return db.run(() -> {
            long id = lastIds.getOrDefault(room, 0L) + 1;
            lastIds.put(room, id);
            ChatMessage message = new ChatMessage(id, room, user, text, ts);
            MVMap<Long, String> history = history(room);
            history.put(id, db.mapper().createObjectNode().put("user", user).put("text", text).put("ts", ts).toString());
            while (history.size() > historyPerRoom) {
                history.remove(history.firstKey());
            }
            return message;
        });
    }

    @Override
    public CompletableFuture<List<ChatMessage>> before(String room, Long beforeId, int limit) {
        return db.run(() -> {
            if (!lastIds.containsKey(room)) {
                // Reading a room nobody wrote to must not create storage for it.
                return List.of();
            }
            MVMap<Long, String> history = history(room);
            List<ChatMessage> newestFirst = new ArrayList<>(Math.min(limit, 64));
            Long key = beforeId == null ? history.lastKey() : history.lowerKey(beforeId);
            while (key != null && newestFirst.size() < limit) {
                newestFirst.add(message(room, key, history.get(key)));
                key = history.lowerKey(key);
            }
            Collections.reverse(newestFirst);
            return newestFirst;
        });
    }

    @Override
    public CompletableFuture<List<ChatMessage>> after(String room, long afterId, int limit) {
        return db.run(() -> {
            if (!lastIds.containsKey(room)) {
                return List.of();
            }
            MVMap<Long, String> history = history(room);
            List<ChatMessage> oldestFirst = new ArrayList<>(Math.min(limit, 64));
            Long key = history.higherKey(afterId);
            while (key != null && oldestFirst.size() < limit) {
                oldestFirst.add(message(room, key, history.get(key)));
                key = history.higherKey(key);
            }
            return oldestFirst;
        });
    }

    private ChatMessage message(String room, long id, String stored) {
        JsonNode json = db.parse(stored);
        return new ChatMessage(id, room, json.get("user").asText(), json.get("text").asText(), json.get("ts").asLong());
    }

    private MVMap<Long, String> history(String room) {
        return histories.computeIfAbsent(room, r -> db.map("history/" + r));
    }
}
