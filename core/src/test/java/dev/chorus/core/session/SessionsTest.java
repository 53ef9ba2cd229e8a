package dev.chorus.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.core.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SessionsTest {
    private static final Instant START = Instant.parse("2026-01-02T03:04:05Z");
    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final Duration ABSOLUTE = Duration.ofHours(2);

    private final MutableClock clock = new MutableClock(START);
    private final CountingStore store = new CountingStore();
    private final Sessions sessions = new Sessions(store, IDLE, ABSOLUTE, clock);

    @Test
    void opensEachSessionWithAFreshUnguessableId() throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            LoginSession session = get(sessions.open("alice"));
            assertThat(session.id()).hasSizeGreaterThanOrEqualTo(40);
            assertThat(session.username()).isEqualTo("alice");
            assertThat(session.createdAt()).isEqualTo(START);
            assertThat(session.lastSeenAt()).isEqualTo(START);
            ids.add(session.id());
        }
        assertThat(ids).hasSize(50);
        assertThat(store.sessions).hasSize(50);
    }

    @Test
    void resolvesAnOpenSession() throws Exception {
        LoginSession opened = get(sessions.open("alice"));

        assertThat(get(sessions.resolve(opened.id()))).hasValue(opened);
    }

    @Test
    void resolvesNothingForAMissingUnknownOrOversizeId() throws Exception {
        get(sessions.open("alice"));

        assertThat(get(sessions.resolve(null))).isEmpty();
        assertThat(get(sessions.resolve(""))).isEmpty();
        assertThat(get(sessions.resolve("not-a-session"))).isEmpty();
        assertThat(get(sessions.resolve("x".repeat(10_000)))).isEmpty();
    }

    @Test
    void expiresAfterTheIdleTimeoutAndDeletesTheSession() throws Exception {
        String id = get(sessions.open("alice")).id();

        clock.advance(IDLE);
        assertThat(get(sessions.resolve(id))).as("at the idle timeout exactly").isPresent();
        clock.advance(IDLE.plusSeconds(1));
        assertThat(get(sessions.resolve(id))).isEmpty();
        assertThat(store.sessions).doesNotContainKey(id);
    }

    @Test
    void activityKeepsASessionAliveUntilTheAbsoluteTimeout() throws Exception {
        String id = get(sessions.open("alice")).id();

        Duration step = Duration.ofMinutes(20);
        for (Duration age = step; age.compareTo(ABSOLUTE) <= 0; age = age.plus(step)) {
            clock.advance(step);
            assertThat(get(sessions.resolve(id))).as("seen again at %s", age).isPresent();
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(get(sessions.resolve(id))).as("past the absolute timeout though seen a second ago").isEmpty();
        assertThat(store.sessions).doesNotContainKey(id);
    }

    @Test
    void isTouchedAtMostOnceAMinute() throws Exception {
        String id = get(sessions.open("alice")).id();
        int afterOpen = store.writes.get();

        clock.advance(Duration.ofSeconds(10));
        get(sessions.resolve(id));
        clock.advance(Duration.ofSeconds(50));
        assertThat(get(sessions.resolve(id)).map(LoginSession::lastSeenAt)).hasValue(START);
        assertThat(store.writes.get()).as("no write within the first minute").isEqualTo(afterOpen);

        clock.advance(Duration.ofSeconds(1));
        assertThat(get(sessions.resolve(id)).map(LoginSession::lastSeenAt)).hasValue(START.plusSeconds(61));
        assertThat(store.writes.get()).isEqualTo(afterOpen + 1);
        assertThat(store.sessions.get(id).lastSeenAt()).isEqualTo(START.plusSeconds(61));

        clock.advance(Duration.ofSeconds(30));
        get(sessions.resolve(id));
        assertThat(store.writes.get()).isEqualTo(afterOpen + 1);
        clock.advance(Duration.ofSeconds(31));
        get(sessions.resolve(id));
        assertThat(store.writes.get()).isEqualTo(afterOpen + 2);
    }

    @Test
    void idleTimeoutCountsFromTheLastTouch() throws Exception {
        String id = get(sessions.open("alice")).id();

        clock.advance(Duration.ofMinutes(25));
        get(sessions.resolve(id));
        clock.advance(Duration.ofMinutes(25));
        assertThat(get(sessions.resolve(id))).as("50 minutes old, 25 idle").isPresent();
        clock.advance(IDLE.plusSeconds(1));
        assertThat(get(sessions.resolve(id))).isEmpty();
    }

    @Test
    void closeEndsTheSession() throws Exception {
        String id = get(sessions.open("alice")).id();
        String other = get(sessions.open("alice")).id();

        get(sessions.close(id));

        assertThat(get(sessions.resolve(id))).isEmpty();
        assertThat(get(sessions.resolve(other))).as("only the closed one").isPresent();
    }

    @Test
    void aTouchDoesNotBringBackASessionClosedMeanwhile() throws Exception {
        String id = get(sessions.open("alice")).id();
        clock.advance(Duration.ofMinutes(2));
        store.findAnswers = new CompletableFuture<>();

        CompletableFuture<Optional<LoginSession>> resolving = sessions.resolve(id);
        get(sessions.close(id));
        store.findAnswers.complete(null);

        assertThat(get(resolving)).as("found before the logout, answered after it").isEmpty();
        assertThat(store.sessions).doesNotContainKey(id);
        assertThat(get(sessions.resolve(id))).isEmpty();
    }

    @Test
    void closeListenersHearOfSessionsEndedOnOtherNodes() throws Exception {
        List<String> closed = new CopyOnWriteArrayList<>();
        sessions.onClose(closed::add);
        String id = get(sessions.open("alice")).id();

        store.endedElsewhere(id);
        get(sessions.close("local-id"));

        assertThat(closed).containsExactly(id, "local-id");
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

    /** Sessions in a map, counting writes; a find reads at once but may be told to answer later. */
    @Test
    void heldSessionsAreKeptInUseAndEndTheirConnectionsWhenTheyExpire() throws Exception {
        List<String> ended = new ArrayList<>();
        sessions.onClose(ended::add);
        LoginSession held = get(sessions.open("alice"));
        LoginSession idle = get(sessions.open("bob"));
        sessions.hold(held.id());
        sessions.hold(held.id());

        for (Duration passed = Duration.ZERO; passed.compareTo(IDLE.multipliedBy(3)) < 0;
                passed = passed.plus(sessions.checkEvery())) {
            clock.advance(sessions.checkEvery());
            get(sessions.checkHeld());
        }
        assertThat(ended).as("an open connection is use: not idle").isEmpty();
        assertThat(get(sessions.resolve(held.id()))).isPresent();
        assertThat(get(sessions.resolve(idle.id()))).as("no connection kept it").isEmpty();

        clock.advance(Duration.between(clock.instant(), START.plus(ABSOLUTE).plusSeconds(1)));
        get(sessions.checkHeld());
        assertThat(ended).as("past its absolute end").containsExactly(held.id());
        assertThat(store.sessions).doesNotContainKey(held.id());

        LoginSession other = get(sessions.open("carol"));
        sessions.hold(other.id());
        sessions.release(other.id());
        store.sessions.remove(other.id());
        get(sessions.checkHeld());
        assertThat(ended).as("an ended session is heard of once; a released one is not looked at")
                .containsExactly(held.id());
    }

    @Test
    void heldSessionsAreCheckedFromEverySecondToEveryMinute() {
        assertThat(sessions.checkEvery()).isEqualTo(Duration.ofMinutes(1));
        assertThat(new Sessions(store, Duration.ofSeconds(2), ABSOLUTE, clock).checkEvery())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(new Sessions(store, IDLE, Duration.ofMinutes(2), clock).checkEvery())
                .isEqualTo(Duration.ofSeconds(30));
    }

    private static final class CountingStore implements SessionStore {
        final Map<String, LoginSession> sessions = new ConcurrentHashMap<>();
        final AtomicInteger writes = new AtomicInteger();
        volatile CompletableFuture<Void> findAnswers = CompletableFuture.completedFuture(null);
        final List<Consumer<String>> endedListeners = new CopyOnWriteArrayList<>();

        /** Plays another node's logout. */
        void endedElsewhere(String id) {
            sessions.remove(id);
            endedListeners.forEach(listener -> listener.accept(id));
        }

        @Override
        public CompletableFuture<Void> save(LoginSession session) {
            writes.incrementAndGet();
            sessions.put(session.id(), session);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Boolean> update(LoginSession session) {
            writes.incrementAndGet();
            return CompletableFuture.completedFuture(sessions.replace(session.id(), session) != null);
        }

        @Override
        public CompletableFuture<Optional<LoginSession>> find(String id) {
            Optional<LoginSession> found = Optional.ofNullable(sessions.get(id));
            return findAnswers.thenApply(answer -> found);
        }

        @Override
        public CompletableFuture<List<String>> deleteAllOf(String username) {
            List<String> ended = sessions.values().stream()
                    .filter(session -> session.username().equalsIgnoreCase(username)).map(LoginSession::id).toList();
            ended.forEach(sessions::remove);
            return CompletableFuture.completedFuture(ended);
        }

        @Override
        public CompletableFuture<Void> delete(String id) {
            sessions.remove(id);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onEnded(Consumer<String> listener) {
            endedListeners.add(listener);
        }
    }
}
