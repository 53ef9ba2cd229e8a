package dev.chorus.core.history;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The recent messages of every room and direct conversation, as far as they are kept. */
public interface HistoryStore {
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

    /**
     * A user's direct conversations with messages newer than an id, the most recently active first.
     *
     * @return at most {@code limit} conversation keys ({@link dev.chorus.core.room.RoomNames#direct})
     */
    CompletableFuture<List<String>> conversations(String user, long activeAfter, int limit);
}
