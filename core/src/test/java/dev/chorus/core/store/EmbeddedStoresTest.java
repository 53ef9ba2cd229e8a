package dev.chorus.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.account.Account;
import dev.chorus.core.account.EmbeddedAccountStore;
import dev.chorus.core.account.ScramAlgorithm;
import dev.chorus.core.account.ScramCredential;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.history.EmbeddedHistoryStore;
import dev.chorus.core.room.RoomNames;
import dev.chorus.core.session.EmbeddedSessionStore;
import dev.chorus.core.session.LoginSession;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded stores: what they keep, in which order, and that it is still there after a restart. */
class EmbeddedStoresTest {
    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05.678Z");

    @TempDir
    Path dataDir;
    private EmbeddedDatabase db;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void theDatabaseNamesItsFileInTheLogs() {
        db = EmbeddedDatabase.open(dataDir);

        assertThat(db).hasToString(dataDir.resolve("chorus.mv.db").toAbsolutePath().toString());
    }

    @Test
    void accountsSurviveAReopen() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        Account alice = new Account("Alice", "$argon2id$hash", true, CREATED, Map.of());
        Account guest = new Account("guest1", null, false, CREATED, Map.of());
        assertThat(get(new EmbeddedAccountStore(db).create(alice))).isTrue();
        assertThat(get(new EmbeddedAccountStore(db).create(guest))).isTrue();

        reopen();
        EmbeddedAccountStore accounts = new EmbeddedAccountStore(db);

        assertThat(get(accounts.find("alice"))).hasValue(alice);
        assertThat(get(accounts.find("GUEST1"))).hasValue(guest);
        assertThat(get(accounts.find("bob"))).isEmpty();
        assertThat(get(accounts.create(new Account("ALICE", "$argon2id$other", false, CREATED, Map.of()))))
                .as("the name is still taken, whatever its case")
                .isFalse();
        assertThat(get(accounts.find("alice"))).hasValue(alice);
    }

    @Test
    void scramCredentialsAreKeptReplacedAndSurviveAReopen() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        Map<ScramAlgorithm, ScramCredential> scram = Map.of(
                ScramAlgorithm.SHA_1, ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", new byte[] {1, 2}, 4096),
                ScramAlgorithm.SHA_256, ScramCredential.derive(ScramAlgorithm.SHA_256, "pencil", new byte[] {3}, 4096));
        Map<ScramAlgorithm, ScramCredential> other = Map.of(
                ScramAlgorithm.SHA_256, ScramCredential.derive(ScramAlgorithm.SHA_256, "other", new byte[] {4}, 8192));
        Account erin = new Account("Erin", "$argon2id$hash", false, CREATED, scram);
        get(new EmbeddedAccountStore(db).create(erin));

        reopen();
        EmbeddedAccountStore accounts = new EmbeddedAccountStore(db);
        assertThat(get(accounts.find("erin"))).hasValue(erin);
        assertThat(get(accounts.setScram("ERIN", other))).isTrue();
        assertThat(get(accounts.setAdmin("erin", true))).isTrue();
        assertThat(get(accounts.setScram("nobody", scram))).isFalse();

        reopen();
        assertThat(get(new EmbeddedAccountStore(db).find("erin")))
                .hasValue(new Account("Erin", "$argon2id$hash", true, CREATED, other));
        assertThat(get(new EmbeddedAccountStore(db).find("nobody"))).isEmpty();
    }

    @Test
    void anAccountStoredBeforeScramLoadsWithoutCredentialsAndCanBeGivenThem() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        String stored = """
                {"username":"Frank","passwordHash":"$argon2id$hash","admin":false,"createdAt":%d}""".formatted(
                CREATED.toEpochMilli());
        get(db.run(() -> db.<String, String>map("accounts").put("frank", stored)));
        EmbeddedAccountStore accounts = new EmbeddedAccountStore(db);
        Account frank = new Account("Frank", "$argon2id$hash", false, CREATED, Map.of());

        assertThat(get(accounts.find("frank"))).hasValue(frank);

        Map<ScramAlgorithm, ScramCredential> scram = Map.of(
                ScramAlgorithm.SHA_1, ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", new byte[] {1}, 4096));
        assertThat(get(accounts.setScram("Frank", scram))).isTrue();
        reopen();
        assertThat(get(new EmbeddedAccountStore(db).find("frank"))).hasValue(frank.withScram(scram));
    }

    @Test
    void sessionsAndTheirEndSurviveAReopen() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        LoginSession kept = new LoginSession("kept-id", "alice", CREATED, CREATED.plusSeconds(90));
        LoginSession ended = new LoginSession("ended-id", "bob", CREATED, CREATED);
        EmbeddedSessionStore sessions = new EmbeddedSessionStore(db);
        get(sessions.save(kept));
        get(sessions.save(ended));
        get(sessions.delete("ended-id"));

        reopen();
        sessions = new EmbeddedSessionStore(db);

        assertThat(get(sessions.find("kept-id"))).hasValue(kept);
        assertThat(get(sessions.find("ended-id"))).isEmpty();
    }

    @Test
    void theAdminFlagIsGivenAndTakenAndKept() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        Account dave = new Account("Dave", "$argon2id$hash", false, CREATED, Map.of());
        get(new EmbeddedAccountStore(db).create(dave));
        assertThat(get(new EmbeddedAccountStore(db).setAdmin("DAVE", true))).isTrue();
        assertThat(get(new EmbeddedAccountStore(db).setAdmin("nobody", true))).isFalse();

        reopen();

        assertThat(get(new EmbeddedAccountStore(db).find("dave")))
                .hasValue(new Account("Dave", "$argon2id$hash", true, CREATED, Map.of()));
    }

    @Test
    void allOfAUsersSessionsEndAtOnce() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        EmbeddedSessionStore sessions = new EmbeddedSessionStore(db);
        get(sessions.save(new LoginSession("phone", "Bob", CREATED, CREATED)));
        get(sessions.save(new LoginSession("laptop", "bob", CREATED, CREATED)));
        get(sessions.save(new LoginSession("other", "carol", CREATED, CREATED)));

        assertThat(get(sessions.deleteAllOf("BOB"))).containsExactlyInAnyOrder("phone", "laptop");
        reopen();

        EmbeddedSessionStore reopened = new EmbeddedSessionStore(db);
        assertThat(get(reopened.find("phone"))).isEmpty();
        assertThat(get(reopened.find("laptop"))).isEmpty();
        assertThat(get(reopened.find("other"))).isPresent();
    }

    @Test
    void updatesOnlyASessionThatIsStillThere() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        EmbeddedSessionStore sessions = new EmbeddedSessionStore(db);
        LoginSession session = new LoginSession("id", "alice", CREATED, CREATED);
        get(sessions.save(session));
        LoginSession touched = session.seenAt(CREATED.plusSeconds(120));

        assertThat(get(sessions.update(touched))).isTrue();
        reopen();
        sessions = new EmbeddedSessionStore(db);
        assertThat(get(sessions.find("id"))).hasValue(touched);

        get(sessions.delete("id"));
        assertThat(get(sessions.update(touched.seenAt(CREATED.plusSeconds(240))))).isFalse();
        assertThat(get(sessions.find("id"))).as("not brought back").isEmpty();
    }

    @Test
    void historySurvivesAReopenAndItsIdsCarryOn() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        EmbeddedHistoryStore history = new EmbeddedHistoryStore(db, 100);
        String room = "café / lobby #1";
        get(history.append(new ChatMessage(0, room, "alice", "hello", 1000, "c-1", "phone")));
        get(history.append(new ChatMessage(0, room, "bob", "héllo ☃ \"quoted\"\n", 2000)));

        reopen();
        history = new EmbeddedHistoryStore(db, 100);

        assertThat(get(history.before(room, null, 10))).containsExactly(
                new ChatMessage(1000, room, "alice", "hello", 1000, "c-1", "phone"),
                new ChatMessage(2000, room, "bob", "héllo ☃ \"quoted\"\n", 2000));
        assertThat(get(history.append(new ChatMessage(0, room, "alice", "again", 1500))).id())
                .as("ids go on from where they were, even with the clock behind, so they never name two messages")
                .isEqualTo(2001);
    }

    @Test
    void idsAreTheAppendsMillisecondsIncreasingPerRoomIndependently() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        EmbeddedHistoryStore history = new EmbeddedHistoryStore(db, 100);

        List<CompletableFuture<ChatMessage>> appends = List.of(
                history.append(new ChatMessage(0, "a", "alice", "a1", 7)),
                history.append(new ChatMessage(0, "b", "alice", "b1", 7)),
                history.append(new ChatMessage(0, "a", "bob", "a2", 7)),
                history.append(new ChatMessage(0, "a", "bob", "a3", 20)),
                history.append(new ChatMessage(0, "b", "bob", "b2", 7)));

        assertThat(appends.stream().map(EmbeddedStoresTest::getUnchecked).map(ChatMessage::id))
                .containsExactly(7L, 7L, 8L, 20L, 8L);
        assertThat(get(history.before("a", null, 10))).extracting(ChatMessage::text).containsExactly("a1", "a2", "a3");
        assertThat(get(history.before("b", null, 10))).extracting(ChatMessage::text).containsExactly("b1", "b2");
        assertThat(get(history.before("c", null, 10))).isEmpty();
    }

    @Test
    void pagesBackwardsOldestFirst() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        EmbeddedHistoryStore history = new EmbeddedHistoryStore(db, 100);
        for (int i = 1; i <= 10; i++) {
            get(history.append(new ChatMessage(0, "room", "alice", "m" + i, i)));
        }

        assertThat(ids(get(history.before("room", null, 3)))).containsExactly(8L, 9L, 10L);
        assertThat(ids(get(history.before("room", 8L, 3)))).containsExactly(5L, 6L, 7L);
        assertThat(ids(get(history.before("room", 5L, 3)))).containsExactly(2L, 3L, 4L);
        assertThat(ids(get(history.before("room", 2L, 3)))).containsExactly(1L);
        assertThat(get(history.before("room", 1L, 3))).isEmpty();
        assertThat(ids(get(history.before("room", 1000L, 2)))).containsExactly(9L, 10L);
        assertThat(ids(get(history.before("room", null, 100)))).hasSize(10).isSorted();
    }

    @Test
    void pagesForwardsAfterAnId() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        EmbeddedHistoryStore history = new EmbeddedHistoryStore(db, 5);
        for (int i = 1; i <= 8; i++) {
            get(history.append(new ChatMessage(0, "room", "alice", "m" + i, i)));
        }

        assertThat(ids(get(history.after("room", 0, 100)))).as("the kept ones only").containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(ids(get(history.after("room", 4, 2)))).containsExactly(5L, 6L);
        assertThat(ids(get(history.after("room", 6, 2)))).containsExactly(7L, 8L);
        assertThat(get(history.after("room", 8, 2))).isEmpty();
        assertThat(get(history.after("room", 1000, 2))).isEmpty();
        assertThat(get(history.after("nobody-wrote-here", 0, 2))).isEmpty();
        assertThat(get(history.after("room", 7, 10))).containsExactly(new ChatMessage(8, "room", "alice", "m8", 8));
    }

    @Test
    void keepsTheLastMessagesOfEachRoomOnly() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        EmbeddedHistoryStore history = new EmbeddedHistoryStore(db, 5);
        for (int i = 1; i <= 8; i++) {
            get(history.append(new ChatMessage(0, "busy", "alice", "m" + i, i)));
        }
        get(history.append(new ChatMessage(0, "quiet", "bob", "only", 9)));

        assertThat(ids(get(history.before("busy", null, 100)))).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(get(history.before("busy", 4L, 100))).isEmpty();
        assertThat(ids(get(history.before("quiet", null, 100)))).containsExactly(9L);

        reopen();
        history = new EmbeddedHistoryStore(db, 5);
        assertThat(get(history.append(new ChatMessage(0, "busy", "alice", "m9", 10))).id()).isEqualTo(10);
        assertThat(ids(get(history.before("busy", null, 100)))).containsExactly(5L, 6L, 7L, 8L, 10L);
    }

    @Test
    void indexesEachUsersDirectConversationsByTheirLastMessage() throws Exception {
        db = EmbeddedDatabase.open(dataDir);
        EmbeddedHistoryStore history = new EmbeddedHistoryStore(db, 100);
        get(history.append(new ChatMessage(0, RoomNames.direct("alice", "bob"), "alice", "hi bob", 10)));
        get(history.append(new ChatMessage(0, RoomNames.direct("carol", "alice"), "carol", "hi alice", 20)));
        get(history.append(new ChatMessage(0, "lobby", "alice", "a room is no conversation", 30)));
        get(history.append(new ChatMessage(0, RoomNames.direct("alice", "bob"), "bob", "hi alice", 40)));

        assertThat(get(history.conversations("Alice", 0, 10)))
                .containsExactly(RoomNames.direct("alice", "bob"), RoomNames.direct("alice", "carol"));
        assertThat(get(history.conversations("alice", 20, 10))).containsExactly(RoomNames.direct("alice", "bob"));
        assertThat(get(history.conversations("alice", 0, 1))).containsExactly(RoomNames.direct("alice", "bob"));
        assertThat(get(history.conversations("carol", 0, 10))).containsExactly(RoomNames.direct("alice", "carol"));
        assertThat(get(history.conversations("dave", 0, 10))).isEmpty();
    }

    private void reopen() {
        db.close();
        db = EmbeddedDatabase.open(dataDir);
    }

    private static List<Long> ids(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::id).toList();
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

    private static <T> T getUnchecked(CompletableFuture<T> future) {
        return future.orTimeout(5, TimeUnit.SECONDS).join();
    }
}
