package dev.chorus.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.history.EmbeddedHistoryStore;
import dev.chorus.core.limits.EmbeddedBudgets;
import dev.chorus.core.limits.RateLimiter;
import dev.chorus.core.room.RoomNames;
import dev.chorus.core.store.EmbeddedDatabase;
import dev.chorus.core.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core's sending, with the embedded stores and no face: what is stored, delivered, refused and counted. */
class MessagesTest {
    private static final int MAX_BYTES = 16;

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Delivered> delivered = new CopyOnWriteArrayList<>();
    private EmbeddedDatabase database;
    private EmbeddedHistoryStore history;
    private Messages messages;

    private record Delivered(Post post, ChatMessage message) {
    }

    @BeforeEach
    void start() {
        database = EmbeddedDatabase.open(dataDir);
        history = new EmbeddedHistoryStore(database, 100);
        messages = new Messages(new EmbeddedPublisher(history, new RateLimiter(1, 2, clock),
                new EmbeddedSentMessages(Duration.ofMinutes(5), clock),
                (post, message) -> delivered.add(new Delivered(post, message))),
                user -> CompletableFuture.completedFuture(!user.equalsIgnoreCase("ghost")),
                new DirectQuota(new EmbeddedBudgets(clock), 20), clock, MAX_BYTES, meters);
    }

    @AfterEach
    void stop() {
        database.close();
    }

    @Test
    void aRoomMessageIsStoredThenDeliveredOnceAndAnsweredWithItsId() {
        Messages.Outcome outcome = messages.toRoom("alice", "lobby", "hello", null, true).join();

        ChatMessage stored = history.before("lobby", null, 10).join().get(0);
        assertThat(outcome).isEqualTo(new Messages.Outcome.Sent(stored.id()));
        assertThat(stored).extracting(ChatMessage::user, ChatMessage::text).containsExactly("alice", "hello");
        assertThat(delivered).singleElement().satisfies(event -> {
            assertThat(event.message()).isEqualTo(stored);
            assertThat(event.post().conversation()).isEqualTo(new Conversation.Room("lobby"));
        });
        assertThat(meters.counter("chorus.messages.posted", "kind", "room").count()).isEqualTo(1);
    }

    @Test
    void aDirectMessageIsKeptInThePairsConversationWhoeverSends() {
        messages.direct("alice", "Bob", "hi bob", null).join();
        messages.direct("bob", "alice", "hi alice", null).join();

        assertThat(history.before(new Conversation.Direct("bob", "alice").key(), null, 10).join())
                .extracting(ChatMessage::text).containsExactly("hi bob", "hi alice");
        assertThat(delivered).extracting(event -> event.post().conversation())
                .containsExactly(new Conversation.Direct("alice", "Bob"), new Conversation.Direct("bob", "alice"));
        assertThat(meters.counter("chorus.messages.posted", "kind", "direct").count()).isEqualTo(2);
    }

    @Test
    void aRetryWithTheSameClientIdGetsTheSameIdAndIsDeliveredOnce() {
        Messages.Outcome first = messages.toRoom("alice", "lobby", "once", "c1", true).join();
        Messages.Outcome retry = messages.toRoom("alice", "lobby", "once", "c1", true).join();

        assertThat(retry).isEqualTo(first);
        assertThat(delivered).hasSize(1);
        assertThat(meters.counter("chorus.messages.posted", "kind", "room").count()).isEqualTo(1);
    }

    @Test
    void whatCannotBeSentIsRefusedWithItsReasonCountedAndNothingStored() {
        assertRefused(messages.toRoom("alice", "@user:bob", "x", null, true).join(), Refusal.BAD_ROOM);
        assertRefused(messages.toRoom("alice", "lobby", "", null, true).join(), Refusal.EMPTY);
        assertRefused(messages.toRoom("alice", "lobby", "x".repeat(MAX_BYTES + 1), null, true).join(),
                Refusal.TOO_LARGE);
        assertRefused(messages.toRoom("alice", "lobby", "x", "", true).join(), Refusal.BAD_CLIENT_ID);
        assertRefused(messages.toRoom("alice", "lobby", "x", null, false).join(), Refusal.NOT_IN_ROOM);
        assertRefused(messages.direct("alice", "no such name!", "x", null).join(), Refusal.BAD_RECIPIENT);

        assertThat(delivered).isEmpty();
        assertThat(history.before("lobby", null, 10).join()).isEmpty();
        assertThat(meters.counter("chorus.messages.refused", "kind", "room", "reason", "not-in-room").count())
                .isEqualTo(1);
        assertThat(meters.counter("chorus.messages.refused", "kind", "direct", "reason", "bad-recipient").count())
                .isEqualTo(1);
    }

    @Test
    void aSenderOverTheRateIsToldHowLongToWait() {
        messages.toRoom("alice", "lobby", "one", null, true).join();
        messages.toRoom("alice", "lobby", "two", null, true).join();

        Messages.Outcome third = messages.toRoom("alice", "lobby", "three", null, true).join();

        assertThat(third).isInstanceOfSatisfying(Messages.Outcome.Refused.class, refused -> {
            assertThat(refused.reason()).isEqualTo(Refusal.RATE_LIMITED);
            assertThat(refused.retryAfterMs()).isBetween(1L, 1000L);
        });
        clock.advance(Duration.ofSeconds(1));
        assertThat(messages.toRoom("alice", "lobby", "later", null, true).join())
                .isInstanceOf(Messages.Outcome.Sent.class);
        assertThat(delivered).extracting(event -> event.message().text()).containsExactly("one", "two", "later");
    }

    private static void assertRefused(Messages.Outcome outcome, Refusal reason) {
        assertThat(outcome).isInstanceOfSatisfying(Messages.Outcome.Refused.class,
                refused -> assertThat(refused.reason()).isEqualTo(reason));
    }

    @Test
    void directMessagesGoOnlyToUsersWhoExistAndWithinTheSendersDailyQuota() {
        assertRefused(messages.direct("alice", "ghost", "anyone there?", null).join(), Refusal.BAD_RECIPIENT);
        assertThat(history.before(RoomNames.direct("alice", "ghost"), null, 10).join())
                .as("no conversation opened").isEmpty();

        assertThat(messages.direct("alice", "bob", "0123456789", null).join())
                .isInstanceOf(Messages.Outcome.Sent.class);
        clock.advance(Duration.ofSeconds(2));
        assertThat(messages.direct("alice", "carol", "0123456789", null).join())
                .isInstanceOf(Messages.Outcome.Sent.class);
        clock.advance(Duration.ofSeconds(2));
        assertRefused(messages.direct("alice", "bob", "x", null).join(), Refusal.QUOTA);
        clock.advance(Duration.ofSeconds(2));
        assertThat(messages.direct("bob", "alice", "0123456789", null).join()).as("the quota is the sender's")
                .isInstanceOf(Messages.Outcome.Sent.class);
        assertThat(meters.get("chorus.messages.refused").tag("reason", "quota").counter().count()).isEqualTo(1);
    }
}
