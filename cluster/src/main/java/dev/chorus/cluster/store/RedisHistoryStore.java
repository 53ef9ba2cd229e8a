package dev.chorus.cluster.store;

import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.history.HistoryStore;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Room history in Redis, a stream per room under {@code <prefix>history:<room>} holding its last messages, none
 * older than the maximum age. A message's id is its stream entry's, {@code <id>-0}. Messages are appended by the
 * {@link RedisPublisher}, in the same step as their broadcast, which also keeps each user's index of their direct
 * conversations ({@code <prefix>directs:<user>}).
 */
public final class RedisHistoryStore implements HistoryStore {
    private final RedisAsyncCommands<String, String> redis;
    private final String prefix;

    public RedisHistoryStore(RedisBackbone backbone, String prefix) {
        this.redis = backbone.strings();
        this.prefix = prefix;
    }

    static String key(String prefix, String conversation) {
        return prefix + "history:" + conversation;
    }

    /** The index of a user's direct conversations: a sorted set of their keys, scored by their last message's id. */
    static String directsKey(String prefix, String user) {
        return prefix + "directs:" + user.toLowerCase(Locale.ROOT);
    }

    @Override
    public CompletableFuture<List<String>> conversations(String user, long activeAfter, int limit) {
        return redis.zrevrangebyscore(directsKey(prefix, user), Range.create((double) activeAfter + 1,
                Double.POSITIVE_INFINITY), Limit.create(0, limit)).toCompletableFuture();
    }

    @Override
    public CompletableFuture<List<ChatMessage>> before(String room, Long beforeId, int limit) {
        if (limit < 1 || (beforeId != null && beforeId <= 1)) {
            // Ids start at 1; Redis also refuses an exclusive bound below 0-1.
            return CompletableFuture.completedFuture(List.of());
        }
        Range.Boundary<String> upper = beforeId == null ? Range.Boundary.unbounded()
                : Range.Boundary.excluding(beforeId + "-0");
        return redis.xrevrange(key(prefix, room), Range.from(Range.Boundary.unbounded(), upper), Limit.from(limit))
                .toCompletableFuture()
                .thenApply(newestFirst -> {
                    List<ChatMessage> messages = messages(room, newestFirst);
                    Collections.reverse(messages);
                    return messages;
                });
    }

    @Override
    public CompletableFuture<List<ChatMessage>> after(String room, long afterId, int limit) {
        if (limit < 1 || afterId == Long.MAX_VALUE) {
            return CompletableFuture.completedFuture(List.of());
        }
        Range.Boundary<String> lower = Range.Boundary.including(Math.max(afterId, 0) + 1 + "-0");
        return redis.xrange(key(prefix, room), Range.from(lower, Range.Boundary.unbounded()), Limit.from(limit))
                .toCompletableFuture()
                .thenApply(oldestFirst -> messages(room, oldestFirst));
    }

    private static List<ChatMessage> messages(String room, List<StreamMessage<String, String>> entries) {
        List<ChatMessage> messages = new ArrayList<>(entries.size());
        for (StreamMessage<String, String> entry : entries) {
            String streamId = entry.getId();
            Map<String, String> body = entry.getBody();
            messages.add(new ChatMessage(Long.parseLong(streamId.substring(0, streamId.indexOf('-'))), room,
                    body.get("user"), body.get("text"), Long.parseLong(body.get("ts")), body.get("cid"),
                    body.get("as")));
        }
        return messages;
    }
}
