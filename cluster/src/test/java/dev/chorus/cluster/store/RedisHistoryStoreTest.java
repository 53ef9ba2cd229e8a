package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.chat.history.ChatMessage;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RedisHistoryStoreTest extends RedisStoreTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");
    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void idsAreTheAppendMillisecondsIncreasingInStreamOrder() throws Exception {
        RedisHistoryStore history = history(100, DAY, NOW);
        List<CompletableFuture<ChatMessage>> appends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            appends.add(history.append("lobby", "alice", "same millisecond " + i, i));
        }
        // A node whose clock is behind still gives the next id; one ahead gives its own time.
        appends.add(history(100, DAY, NOW.minusSeconds(60)).append("lobby", "bob", "behind", 3));
        appends.add(history(100, DAY, NOW.plusSeconds(60)).append("lobby", "carol", "ahead", 4));

        long now = NOW.toEpochMilli();
        List<Long> ids = new ArrayList<>();
        for (CompletableFuture<ChatMessage> append : appends) {
            ids.add(get(append).id());
        }
        assertThat(ids).containsExactly(now, now + 1, now + 2, now + 3, now + 60_000);
        assertThat(streamIds("lobby")).containsExactly(now + "-0", now + 1 + "-0", now + 2 + "-0", now + 3 + "-0",
                now + 60_000 + "-0");
        assertThat(get(history.before("lobby", null, 10))).containsExactly(
                new ChatMessage(now, "lobby", "alice", "same millisecond 0", 0),
                new ChatMessage(now + 1, "lobby", "alice", "same millisecond 1", 1),
                new ChatMessage(now + 2, "lobby", "alice", "same millisecond 2", 2),
                new ChatMessage(now + 3, "lobby", "bob", "behind", 3),
                new ChatMessage(now + 60_000, "lobby", "carol", "ahead", 4));
        assertThat(ids(get(history.before("elsewhere", null, 10)))).as("rooms are apart").isEmpty();
    }

    @Test
    void keepsExactlyTheLastMessagesOfARoom() throws Exception {
        RedisHistoryStore history = history(5, DAY, NOW);
        List<Long> ids = append(history, "busy", 8);
        get(history.append("quiet", "bob", "only", 9));

        assertThat(ids(get(history.before("busy", null, 100)))).containsExactlyElementsOf(ids.subList(3, 8));
        assertThat(streamIds("busy")).hasSize(5);
        assertThat(get(history.before("busy", ids.get(3), 100))).isEmpty();
        assertThat(get(history.before("quiet", null, 100))).extracting(ChatMessage::text).containsExactly("only");
    }

    @Test
    void pagesBackwardsAndForwardsOldestFirst() throws Exception {
        RedisHistoryStore history = history(100, DAY, NOW);
        List<Long> ids = append(history, "room", 10);

        assertThat(ids(get(history.before("room", null, 3)))).containsExactlyElementsOf(ids.subList(7, 10));
        assertThat(ids(get(history.before("room", ids.get(7), 3)))).containsExactlyElementsOf(ids.subList(4, 7));
        assertThat(ids(get(history.before("room", ids.get(1), 3)))).containsExactly(ids.get(0));
        assertThat(get(history.before("room", ids.get(0), 3))).isEmpty();
        assertThat(get(history.before("room", 1L, 3))).isEmpty();

        assertThat(ids(get(history.after("room", 0, 3)))).containsExactlyElementsOf(ids.subList(0, 3));
        assertThat(ids(get(history.after("room", ids.get(2), 3)))).containsExactlyElementsOf(ids.subList(3, 6));
        assertThat(ids(get(history.after("room", ids.get(8), 3)))).containsExactly(ids.get(9));
        assertThat(get(history.after("room", ids.get(9), 3))).isEmpty();
        assertThat(get(history.after("nobody-wrote-here", 0, 3))).isEmpty();
        assertThat(get(history.after("room", ids.get(4), 1)))
                .containsExactly(new ChatMessage(ids.get(5), "room", "alice", "m5", 5));
    }

    @Test
    void dropsMessagesOlderThanTheMaximumAge() throws Exception {
        Duration maxAge = Duration.ofMinutes(1);
        append(history(100, maxAge, NOW), "room", 3);

        ChatMessage late = get(history(100, maxAge, NOW.plus(maxAge).plusSeconds(1)).append("room", "bob", "late", 9));

        assertThat(get(history(100, maxAge, NOW).before("room", null, 100))).containsExactly(late);
        long pttl = get(backbone.strings().pttl("chorus:history:room").toCompletableFuture());
        assertThat(pttl).as("an idle room goes away by itself").isBetween(1L, maxAge.toMillis());
    }

    private RedisHistoryStore history(int maxPerRoom, Duration maxAge, Instant now) {
        return new RedisHistoryStore(backbone, maxPerRoom, maxAge, Clock.fixed(now, ZoneOffset.UTC),
                RedisKeys.DEFAULT_PREFIX);
    }

    private static List<Long> append(RedisHistoryStore history, String room, int count) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(get(history.append(room, "alice", "m" + i, i)).id());
        }
        return ids;
    }

    private static List<String> streamIds(String room) throws Exception {
        return get(backbone.strings().xrange("chorus:history:" + room, Range.unbounded()).toCompletableFuture())
                .stream().map(StreamMessage::getId).toList();
    }

    private static List<Long> ids(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::id).toList();
    }
}
