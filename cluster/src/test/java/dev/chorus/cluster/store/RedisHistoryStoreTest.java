package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.history.ChatMessage;
import io.lettuce.core.XAddArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading a room's history; writing it is the publisher's (RedisPublisherTest). */
class RedisHistoryStoreTest extends RedisStoreTest {
    @Test
    void pagesBackwardsAndForwardsOldestFirst() throws Exception {
        RedisHistoryStore history = new RedisHistoryStore(backbone, RedisKeys.DEFAULT_PREFIX);
        List<Long> ids = store("room", 10);

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
        assertThat(get(history.before("elsewhere", null, 10))).as("rooms are apart").isEmpty();
    }

    /** Entries as the publisher writes them: id {@code <n>-0}, user, text, ts. */
    private static List<Long> store(String room, int count) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = 1_000 + 3L * i;
            get(backbone.strings().xadd("chorus:history:" + room, new XAddArgs().id(id + "-0"),
                    Map.of("user", "alice", "text", "m" + i, "ts", Integer.toString(i))).toCompletableFuture());
            ids.add(id);
        }
        return ids;
    }

    private static List<Long> ids(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::id).toList();
    }
}
