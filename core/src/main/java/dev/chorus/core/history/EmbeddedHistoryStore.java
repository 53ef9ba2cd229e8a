package dev.chorus.core.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.core.room.RoomNames;
import dev.chorus.core.store.EmbeddedDatabase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.h2.mvstore.MVMap;

/**
 * Room history in the embedded database: a map per room from id to message, trimmed to the last N, and an index of
 * each user's direct conversations by their last message. Committed by
 * the store's background commit (within a second) and on close, so that a burst of messages is not a burst of
 * file writes.
 */
public final class EmbeddedHistoryStore implements HistoryStore {
    private final EmbeddedDatabase db;
    private final int historyPerRoom;
    private final MVMap<String, Long> lastIds;
    /** {@code <user> <conversation>} → the id of its last message, for each user's direct conversations. */
    private final MVMap<String, Long> directs;
    /** Touched on the store's thread only. */
    private final Map<String, MVMap<Long, String>> histories = new HashMap<>();

    public EmbeddedHistoryStore(EmbeddedDatabase db, int historyPerRoom) {
        this.db = db;
        this.historyPerRoom = historyPerRoom;
        this.lastIds = db.map("room-last-ids");
        this.directs = db.map("direct-conversations");
    }

    /**
     * Stores a message (its id aside) and gives it its conversation's next id: the milliseconds of its time, or one more than the
     * conversation's last id when that is not smaller (as the cluster's store does). Appends to one conversation
     * complete in id order. A direct message is also the latest of both users' conversations.
     */
    public CompletableFuture<ChatMessage> append(ChatMessage unstored) {
        String room = unstored.room();
        return db.run(() -> {
            long id = Math.max(unstored.ts(), lastIds.getOrDefault(room, 0L) + 1);
            lastIds.put(room, id);
            ChatMessage message = new ChatMessage(id, room, unstored.user(), unstored.text(), unstored.ts(),
                    unstored.clientId(), unstored.sentAs());
            MVMap<Long, String> history = history(room);
            ObjectNode stored = db.mapper().createObjectNode().put("user", message.user())
                    .put("text", message.text()).put("ts", message.ts());
            if (message.clientId() != null) {
                stored.put("cid", message.clientId());
            }
            if (message.sentAs() != null) {
                stored.put("as", message.sentAs());
            }
            history.put(id, stored.toString());
            while (history.size() > historyPerRoom) {
                history.remove(history.firstKey());
            }
            RoomNames.directUsers(room).forEach(user -> directs.put(indexKey(user, room), id));
            return message;
        });
    }

    @Override
    public CompletableFuture<List<String>> conversations(String user, long activeAfter, int limit) {
        return db.run(() -> {
            String prefix = indexKey(user, "");
            List<Map.Entry<String, Long>> active = new ArrayList<>();
            Iterator<String> keys = directs.keyIterator(prefix);
            while (keys.hasNext()) {
                String key = keys.next();
                if (!key.startsWith(prefix)) {
                    break;
                }
                long last = directs.get(key);
                if (last > activeAfter) {
                    active.add(Map.entry(key.substring(prefix.length()), last));
                }
            }
            return active.stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                    .map(Map.Entry::getKey).toList();
        });
    }

    /** A space sorts before every character a username may hold: one user's conversations are one run of keys. */
    private static String indexKey(String user, String conversation) {
        return user.toLowerCase(Locale.ROOT) + " " + conversation;
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
        return new ChatMessage(id, room, json.get("user").asText(), json.get("text").asText(), json.get("ts").asLong(),
                json.hasNonNull("cid") ? json.get("cid").asText() : null,
                json.hasNonNull("as") ? json.get("as").asText() : null);
    }

    private MVMap<Long, String> history(String room) {
        return histories.computeIfAbsent(room, r -> db.map("history/" + r));
    }
}
