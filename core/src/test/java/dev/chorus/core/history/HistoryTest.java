package dev.chorus.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.Answer;
import dev.chorus.core.room.RoomNames;
import dev.chorus.core.store.EmbeddedDatabase;
import java.nio.file.Path;
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
        history = new History(store);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void pagesAreFiftyUnlessAskedAndNeverMoreThanAHundred() {
        for (int i = 0; i < 120; i++) {
            store.append("lobby", "alice", "m" + i, i).join();
        }

        assertThat(page(history.room("lobby", null, null, null).join())).hasSize(50).last()
                .extracting(ChatMessage::text).isEqualTo("m119");
        assertThat(page(history.room("lobby", null, null, 1000).join())).hasSize(100);
        assertThat(page(history.room("lobby", null, null, 0).join())).hasSize(1);
        List<ChatMessage> lastHundred = page(history.room("lobby", null, null, 120).join());
        assertThat(lastHundred.get(0).text()).isEqualTo("m20");
        assertThat(page(history.room("lobby", null, lastHundred.get(0).id(), 2).join())).extracting(ChatMessage::text)
                .containsExactly("m21", "m22");
    }

    @Test
    void aDirectConversationIsTheSameWhoeverAsks() {
        store.append(RoomNames.direct("alice", "bob"), "alice", "hi", 1).join();

        assertThat(page(history.direct("Bob", "alice", null, null).join())).extracting(ChatMessage::text)
                .containsExactly("hi");
        assertThat(history.direct("bob", "not a name!", null, null).join()).isInstanceOf(Answer.Refused.class);
        assertThat(history.room("@alice,bob", null, null, null).join())
                .as("a direct conversation is not a room anyone may read").isInstanceOf(Answer.Refused.class);
    }

    private static List<ChatMessage> page(Answer<List<ChatMessage>> answer) {
        return ((Answer.Done<List<ChatMessage>>) answer).value();
    }
}
