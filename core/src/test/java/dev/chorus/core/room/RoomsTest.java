package dev.chorus.core.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.Answer;
import dev.chorus.core.limits.EmbeddedBudgets;
import dev.chorus.core.limits.RequestLimits;
import dev.chorus.core.presence.EmbeddedPresence;
import dev.chorus.core.store.EmbeddedDatabase;
import dev.chorus.core.testsupport.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rooms of the core with embedded presence and no face: who is where, and the events each change raises. */
class RoomsTest {
    private final List<String> events = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T08:00:00Z"));
    private final EmbeddedBudgets budgets = new EmbeddedBudgets(clock);
    private Rooms rooms;
    private EmbeddedDatabase database;
    @TempDir
    Path dataDir;

    /** A connection as a face would keep it, in memory. */
    private static final class Tab implements Connection {
        private final String id;
        private final String user;
        private final Set<String> in = new HashSet<>();
        private final Set<String> watching = new HashSet<>();

        Tab(String id, String user) {
            this.id = id;
            this.user = user;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String user() {
            return user;
        }

        @Override
        public boolean isIn(String room) {
            return in.contains(room);
        }

        @Override
        public void enter(String room) {
            in.add(room);
        }

        @Override
        public void exit(String room) {
            in.remove(room);
            watching.remove(room);
        }

        @Override
        public int roomCount() {
            return in.size();
        }

        @Override
        public <T> CompletableFuture<T> execute(Supplier<CompletableFuture<T>> work) {
            return work.get();
        }

        @Override
        public void watchPresence(String room, boolean watch) {
            if (watch) {
                watching.add(room);
            } else {
                watching.remove(room);
            }
        }
    }

    @BeforeEach
    void listen() {
        database = EmbeddedDatabase.open(dataDir);
        rooms = new Rooms(new EmbeddedPresence(3), new EmbeddedRoomSettingsStore(database),
                RequestLimits.of(budgets, new RequestLimits.Rate(1, 20)), 2, clock);
        rooms.listen(new RoomEvents() {
            @Override
            public void online(String room, String user, String origin) {
                events.add(user + " online in " + room + " by " + origin);
            }

            @Override
            public void offline(String room, String user, String origin) {
                events.add(user + " offline in " + room + " by " + origin);
            }

            @Override
            public void typing(String room, String user, String origin) {
                events.add(user + " typing in " + room);
            }

            @Override
            public void closed(String room) {
                events.add(room + " closed");
            }
        });
    }

    @Test
    void aUserIsOnlineInARoomFromTheirFirstConnectionThereUntilTheirLastLeaves() {
        Tab one = new Tab("t1", "alice");
        Tab two = new Tab("t2", "alice");

        assertThat(rooms.join(one, "lobby", true).join()).isEqualTo(Answer.done(List.of("alice")));
        rooms.join(two, "lobby", false).join();
        rooms.leave(one, "lobby").join();
        assertThat(events).containsExactly("alice online in lobby by t1");

        rooms.leave(two, "lobby").join();
        assertThat(events).containsExactly("alice online in lobby by t1", "alice offline in lobby by t2");
        assertThat(one.in).isEmpty();
        assertThat(one.watching).as("leaving ends the presence events too").isEmpty();
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void aRoomSetUpByItsOwnerLetsInWhomItsSettingsSay() {
        RoomSettings settings = RoomSettings.createdBy("alice", clock.instant());
        assertThat(rooms.settings().create("den", settings).join()).isTrue();
        assertThat(rooms.settings().create("den", RoomSettings.createdBy("bob", clock.instant())).join())
                .as("the first to create a room owns it").isFalse();

        assertThat(rooms.join(new Tab("b1", "bob"), "den", false).join())
                .isEqualTo(Answer.refused(RoomSettings.LOCKED));
        assertThat(rooms.join(new Tab("a1", "alice"), "den", true).join())
                .as("its owner comes in while it is locked").isEqualTo(Answer.done(List.of("alice")));
        clock.advance(RoomSettings.SETUP_TIME);
        Tab dave = new Tab("d1", "dave");
        assertThat(rooms.join(dave, "den", true).join()).as("a room its owner did not set up opens by itself")
                .isEqualTo(Answer.done(List.of("alice", "dave")));
        rooms.leave(dave, "den").join();

        RoomSettings guarded = new RoomSettings("Den", null, null, null, "secret", false, false, false, true, 2,
                false, 0, settings.affiliations()).withAffiliation("mallory", Affiliation.OUTCAST);
        rooms.settings().save("den", guarded).join();
        assertThat(rooms.join(new Tab("b1", "bob"), "den", false).join())
                .isEqualTo(Answer.refused(RoomSettings.WRONG_PASSWORD));
        assertThat(rooms.join(new Tab("m1", "mallory"), "den", false, "secret").join())
                .isEqualTo(Answer.refused(RoomSettings.BANNED));
        assertThat(rooms.join(new Tab("b1", "bob"), "den", true, "secret").join())
                .isEqualTo(Answer.done(List.of("alice", "bob")));
        assertThat(rooms.join(new Tab("c1", "carol"), "den", false, "secret").join())
                .as("two at most").isEqualTo(Answer.refused(RoomSettings.FULL));
    }

    @Test
    void theJoinerGetsTheMembersAndItsChoiceOfPresenceEvents() {
        Tab bob = new Tab("b1", "bob");
        assertThat(rooms.join(new Tab("a1", "alice"), "lobby", false).join())
                .as("no member list for a joiner that does not watch who comes and goes")
                .isEqualTo(Answer.done(List.of()));

        assertThat(rooms.join(bob, "lobby", true).join()).isEqualTo(Answer.done(List.of("alice", "bob")));
        assertThat(bob.watching).containsExactly("lobby");
        assertThat(rooms.join(bob, "lobby", false).join()).isEqualTo(Answer.done(List.of()));
        assertThat(bob.watching).as("joining again changes only the choice").isEmpty();
        assertThat(rooms.join(bob, "lobby", true).join()).isEqualTo(Answer.done(List.of("alice", "bob")));
        assertThat(rooms.list("bob").join()).isEqualTo(Answer.done(Map.of("lobby", 2)));
    }

    @Test
    void namesThatAreNotRoomsAreRefusedAndNothingHappens() {
        Tab tab = new Tab("t1", "alice");

        assertThat(rooms.join(tab, "@user:bob", true).join()).isInstanceOf(Answer.Refused.class);
        assertThat(rooms.leave(tab, "").join()).isInstanceOf(Answer.Refused.class);
        rooms.typing(tab, "lobby");

        assertThat(tab.in).isEmpty();
        assertThat(events).as("typing counts only in a room one is in").isEmpty();
    }

    @Test
    void aRecoveredConnectionIsPresentAgainAndAClosedRoomIsAnnounced() {
        Tab back = new Tab("t1", "alice");
        back.enter("lobby");

        rooms.onClosed(room -> events.add("told only of " + room + " closing"));
        rooms.returned(back, List.of("lobby"));
        rooms.typing(back, "lobby");
        rooms.close("lobby");

        assertThat(events).containsExactly("alice online in lobby by t1", "alice typing in lobby", "lobby closed",
                "told only of lobby closing");
    }

    @Test
    void roomsAreCappedPerConnectionAndPerUser() {
        Tab one = new Tab("t1", "alice");
        Tab two = new Tab("t2", "alice");
        rooms.join(one, "a", false).join();
        rooms.join(one, "b", false).join();

        assertThat(rooms.join(one, "c", false).join()).as("a third room on one connection")
                .isEqualTo(Answer.refused("too many rooms: a connection may be in 2 at once"));
        assertThat(rooms.join(one, "a", true).join()).as("one it is in").isInstanceOf(Answer.Done.class);
        rooms.join(two, "c", false).join();
        assertThat(rooms.join(two, "d", false).join()).as("a fourth room of the user")
                .isEqualTo(Answer.refused("too many rooms: a user may be in 3 at once"));
        assertThat(two.in).as("taken out again").containsExactly("c");
        assertThat(events).doesNotContain("alice online in d by t2");
    }

    @Test
    void eachKindOfRequestHasItsOwnBudget() {
        Tab tab = new Tab("t1", "alice");
        for (int i = 0; i < 20; i++) {
            rooms.join(tab, "lobby", false).join();
        }
        assertThat(rooms.join(tab, "lobby", false).join()).isEqualTo(Answer.refused(RequestLimits.REFUSED));
        assertThat(rooms.list("alice").join()).as("another kind").isInstanceOf(Answer.Done.class);
        assertThat(rooms.join(new Tab("b1", "bob"), "lobby", false).join()).as("another user")
                .isInstanceOf(Answer.Done.class);
        for (int i = 0; i < 19; i++) {
            rooms.typing(tab, "lobby");
        }
        assertThat(events.stream().filter(event -> event.equals("alice typing in lobby"))).hasSize(19);
        rooms.typing(tab, "lobby");
        rooms.typing(tab, "lobby");
        assertThat(events.stream().filter(event -> event.equals("alice typing in lobby")))
                .as("past its budget, typing is dropped").hasSize(20);

        clock.advance(Duration.ofSeconds(1));
        assertThat(rooms.join(tab, "lobby", false).join()).as("a second later").isInstanceOf(Answer.Done.class);
    }
}
