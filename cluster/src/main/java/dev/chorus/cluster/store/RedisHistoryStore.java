package dev.chorus.cluster.store;

import dev.chorus.chat.history.ChatMessage;
import dev.chorus.chat.history.HistoryStore;
import dev.chorus.cluster.redis.RedisBackbone;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Room history in Redis, a stream per room under {@code <prefix>history:<room>} holding its last messages, none
 * older than the maximum age. A message's id is its stream entry's, {@code <id>-0}: the milliseconds of its append,
 * or one more than the room's previous id when that is not smaller, so that ids increase in stream order whichever
 * node appends and however its clock stands.
 */
public final class RedisHistoryStore implements HistoryStore {
    // The previous id is the stream's last entry: the age trim never removes it, as it is the newest. Trimming by
    // count is exact, as the embedded store's: one entry at a time is cheap.
    private static final String APPEND = """
            local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
            local previous = 0
            if last then previous = tonumber(string.match(last[1], '^(%d+)')) end
            local now = tonumber(ARGV[1])
            local id = math.max(now, previous + 1)
            redis.call('XADD', KEYS[1], string.format('%.0f-0', id), 'user', ARGV[2], 'text', ARGV[3], 'ts', ARGV[4])
            redis.call('XTRIM', KEYS[1], 'MAXLEN', '=', ARGV[5])
            redis.call('XTRIM', KEYS[1], 'MINID', '=', string.format('%.0f', math.max(0, now - tonumber(ARGV[6]))))
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            return id
            """;

    private final RedisAsyncCommands<String, String> redis;
    private final int maxPerRoom;
    private final long maxAgeMillis;
    private final Clock clock;
    private final String keyPrefix;
    private final LuaScript append;

    public RedisHistoryStore(RedisBackbone backbone, int maxPerRoom, Duration maxAge) {
        this(backbone, maxPerRoom, maxAge, Clock.systemUTC(), RedisKeys.DEFAULT_PREFIX);
    }

    /** @param clock the time ids and the age trim go by */
    public RedisHistoryStore(RedisBackbone backbone, int maxPerRoom, Duration maxAge, Clock clock, String prefix) {
        if (maxPerRoom < 1 || maxAge.toMillis() < 1) {
            throw new IllegalArgumentException("a room must keep at least one message for a while");
        }
        this.redis = backbone.strings();
        this.maxPerRoom = maxPerRoom;
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
        this.keyPrefix = prefix + "history:";
        this.append = new LuaScript(redis, APPEND);
    }

    @Override
    public CompletableFuture<ChatMessage> append(String room, String user, String text, long ts) {
        return append.<Long>run(ScriptOutputType.INTEGER, new String[] {keyPrefix + room},
                        Long.toString(clock.millis()), user, text, Long.toString(ts), Integer.toString(maxPerRoom),
                        Long.toString(maxAgeMillis))
                .thenApply(id -> new ChatMessage(id, room, user, text, ts));
    }

    @Override
    public CompletableFuture<List<ChatMessage>> before(String room, Long beforeId, int limit) {
        if (limit < 1 || (beforeId != null && beforeId <= 1)) {
            // Ids start at 1; Redis also refuses an exclusive bound below 0-1.
            return CompletableFuture.completedFuture(List.of());
        }
        Range.Boundary<String> upper = beforeId == null ? Range.Boundary.unbounded()
                : Range.Boundary.excluding(beforeId + "-0");
        return redis.xrevrange(keyPrefix + room, Range.from(Range.Boundary.unbounded(), upper), Limit.from(limit))
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
        return redis.xrange(keyPrefix + room, Range.from(lower, Range.Boundary.unbounded()), Limit.from(limit))
                .toCompletableFuture()
                .thenApply(oldestFirst -> messages(room, oldestFirst));
    }

    private static List<ChatMessage> messages(String room, List<StreamMessage<String, String>> entries) {
        List<ChatMessage> messages = new ArrayList<>(entries.size());
        for (StreamMessage<String, String> entry : entries) {
            String streamId = entry.getId();
            messages.add(new ChatMessage(Long.parseLong(streamId.substring(0, streamId.indexOf('-'))), room,
                    entry.getBody().get("user"), entry.getBody().get("text"), Long.parseLong(entry.getBody().get("ts"))));
        }
        return messages;
    }
}
