package dev.chorus.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.Answer;
import dev.chorus.core.limits.EmbeddedBudgets;
import dev.chorus.core.limits.RequestLimits;
import dev.chorus.core.room.RoomNames;
import dev.chorus.core.store.EmbeddedDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    @TempDir
    Path dataDir;

    private EmbeddedDatabase database;
    private EmbeddedHistoryStore store;
    private History history;

    @BeforeEach
    void open() {
        database = EmbeddedDatabase.open(dataDir);
        store = new EmbeddedHistoryStore(database, 500);
        history = new History(store, RequestLimits.of(new EmbeddedBudgets(Clock.systemUTC()),
                new RequestLimits.Rate(1000, 1000)));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void pagesAreFiftyUnlessAskedAndNeverMoreThanAHundred() {
        for (int i = 0; i < 120; i++) {
            store.append(new ChatMessage(0, "lobby", "alice", "m" + i, i)).join();
        }

        assertThat(page(history.room("alice", "lobby", null, null, null).join())).hasSize(50).last()
                .extracting(ChatMessage::text).isEqualTo("m119");
        assertThat(page(history.room("alice", "lobby", null, null, 1000).join())).hasSize(100);
        assertThat(page(history.room("alice", "lobby", null, null, 0).join())).hasSize(1);
        List<ChatMessage> lastHundred = page(history.room("alice", "lobby", null, null, 120).join());
        assertThat(lastHundred.get(0).text()).isEqualTo("m20");
        assertThat(page(history.room("alice", "lobby", null, lastHundred.get(0).id(), 2).join())).extracting(ChatMessage::text)
                .containsExactly("m21", "m22");
    }

    @Test
    void aUsersWholeArchiveIsTheirConversationsMergedInOrder() {
        store.append(new ChatMessage(0, RoomNames.direct("alice", "bob"), "alice", "a1", 10)).join();
        store.append(new ChatMessage(0, RoomNames.direct("carol", "alice"), "carol", "c1", 20)).join();
        store.append(new ChatMessage(0, RoomNames.direct("alice", "bob"), "bob", "a2", 30)).join();
        store.append(new ChatMessage(0, RoomNames.direct("dave", "carol"), "dave", "not hers", 35)).join();
        store.append(new ChatMessage(0, RoomNames.direct("carol", "alice"), "alice", "c2", 40)).join();

        assertThat(page(history.archive("alice", null, null, null).join())).extracting(ChatMessage::text)
                .containsExactly("a1", "c1", "a2", "c2");
        assertThat(page(history.archive("alice", null, null, 1).join())).extracting(ChatMessage::text)
                .as("the last page").containsExactly("c2");
        assertThat(page(history.archive("alice", 40L, null, 2).join())).extracting(ChatMessage::text)
                .containsExactly("c1", "a2");
        assertThat(page(history.archive("alice", null, 10L, 2).join())).extracting(ChatMessage::text)
                .containsExactly("c1", "a2");
        assertThat(page(history.archive("alice", null, 30L, 10).join())).extracting(ChatMessage::text)
                .containsExactly("c2");
    }

    @Test
    void aDirectConversationIsTheSameWhoeverAsks() {
        store.append(new ChatMessage(0, RoomNames.direct("alice", "bob"), "alice", "hi", 1)).join();

        assertThat(page(history.direct("Bob", "alice", null, null, null).join())).extracting(ChatMessage::text)
                .containsExactly("hi");
        assertThat(history.direct("bob", "not a name!", null, null, null).join()).isInstanceOf(Answer.Refused.class);
        assertThat(history.room("alice", "@alice,bob", null, null, null).join())
                .as("a direct conversation is not a room anyone may read").isInstanceOf(Answer.Refused.class);
    }

    @Test
    void aDirectConversationPagesForwardAsARoomDoes() {
        for (int i = 1; i <= 4; i++) {
            store.append(new ChatMessage(0, RoomNames.direct("alice", "bob"), "alice", "d" + i, i)).join();
        }
        List<ChatMessage> first = page(history.direct("bob", "alice", null, 0L, 2).join());

        assertThat(first).extracting(ChatMessage::text).containsExactly("d1", "d2");
        assertThat(page(history.direct("alice", "bob", null, first.get(1).id(), 2).join()))
                .extracting(ChatMessage::text).containsExactly("d3", "d4");
    }

    private static List<ChatMessage> page(Answer<List<ChatMessage>> answer) {
        return ((Answer.Done<List<ChatMessage>>) answer).value();
    }

    @Test
    void historyAskedInALoopIsRefusedAtItsBudget() {
        History limited = new History(store, RequestLimits.of(new EmbeddedBudgets(Clock.systemUTC()),
                new RequestLimits.Rate(0.001, 3)));
        for (int i = 0; i < 3; i++) {
            assertThat(limited.room("alice", "lobby", null, null, null).join()).isInstanceOf(Answer.Done.class);
        }
        assertThat(limited.room("alice", "lobby", null, null, null).join())
                .isEqualTo(Answer.refused(RequestLimits.REFUSED));
        assertThat(limited.direct("alice", "bob", null, null, null).join()).as("direct history has its own budget")
                .isInstanceOf(Answer.Done.class);
        assertThat(limited.room("bob", "lobby", null, null, null).join()).isInstanceOf(Answer.Done.class);
    }
}
