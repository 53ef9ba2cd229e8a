package dev.chorus.chat.history;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The recent messages of every room: the last N are kept. */
public interface HistoryStore {
    /** Stores a message and gives it the room's next id. Appends to one room complete in id order. */
    CompletableFuture<ChatMessage> append(String room, String user, String text, long ts);

    /**
     * @param beforeId only messages with a smaller id, or null for the newest
     * @return at most {@code limit} messages, oldest first
     */
    CompletableFuture<List<ChatMessage>> before(String room, Long beforeId, int limit);

    /**
     * What was said since a message, for a client catching up after a reconnection.
     *
     * @return at most {@code limit} messages with an id greater than {@code afterId}, oldest first
     */
    CompletableFuture<List<ChatMessage>> after(String room, long afterId, int limit);
}
