package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.core.session.LoginSession;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RedisSessionStoreTest extends RedisStoreTest {
    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05.678Z");
    private static final Duration TTL = Duration.ofHours(2);

    @Test
    void savesFindsAndUpdatesWithinTheLifetime() throws Exception {
        RedisSessionStore sessions = new RedisSessionStore(backbone, TTL);
        LoginSession session = new LoginSession("id-1", "alice", CREATED, CREATED);

        get(sessions.save(session));
        assertThat(get(sessions.find("id-1"))).hasValue(session);
        assertThat(get(sessions.find("id-2"))).isEmpty();
        assertThat(pttl("chorus:session:id-1")).isBetween(TTL.toMillis() - 5_000, TTL.toMillis());

        LoginSession touched = session.seenAt(CREATED.plusSeconds(120));
        assertThat(get(sessions.update(touched))).isTrue();
        assertThat(get(sessions.find("id-1"))).hasValue(touched);
        assertThat(pttl("chorus:session:id-1")).as("a touch keeps the absolute expiry")
                .isBetween(TTL.toMillis() - 5_000, TTL.toMillis());
    }

    @Test
    void anUpdateAfterADeleteDoesNotBringTheSessionBack() throws Exception {
        RedisSessionStore sessions = new RedisSessionStore(backbone, TTL);
        LoginSession session = new LoginSession("id-1", "alice", CREATED, CREATED);
        get(sessions.save(session));

        get(sessions.delete("id-1"));

        assertThat(get(sessions.find("id-1"))).isEmpty();
        assertThat(get(sessions.update(session.seenAt(CREATED.plusSeconds(120))))).isFalse();
        assertThat(get(sessions.find("id-1"))).isEmpty();
    }

    @Test
    void otherNodesHearOfADeleteAndTheDeletingNodeDoesNot() throws Exception {
        try (RedisBackbone otherNode = RedisBackbone.connect(server.url())) {
            RedisSessionStore here = new RedisSessionStore(backbone, TTL);
            RedisSessionStore there = new RedisSessionStore(otherNode, TTL);
            List<String> heardHere = new CopyOnWriteArrayList<>();
            List<String> heardThere = new CopyOnWriteArrayList<>();
            here.onEnded(heardHere::add);
            there.onEnded(heardThere::add);
            await().atMost(Duration.ofSeconds(5)).until(() -> get(backbone.strings()
                    .pubsubNumsub("chorus:session-ended").toCompletableFuture()).get("chorus:session-ended") == 2);
            get(here.save(new LoginSession("id-1", "alice", CREATED, CREATED)));

            get(here.delete("id-1"));
            get(there.delete("id-2"));

            await().atMost(Duration.ofSeconds(5)).until(() -> heardHere.contains("id-2"));
            // One pub/sub connection hears in publishing order: id-1's echo came to this node before id-2.
            assertThat(heardHere).as("a node's own delete is no news to it").containsExactly("id-2");
            await().atMost(Duration.ofSeconds(5)).until(() -> heardThere.contains("id-1"));
            assertThat(heardThere).containsExactly("id-1");
            assertThat(get(there.find("id-1"))).isEmpty();
        }
    }

    @Test
    void allOfAUsersSessionsEndAtOnceAndEveryNodeHears() throws Exception {
        try (RedisBackbone otherNode = RedisBackbone.connect(server.url())) {
            RedisSessionStore here = new RedisSessionStore(backbone, TTL);
            RedisSessionStore there = new RedisSessionStore(otherNode, TTL);
            List<String> heardThere = new CopyOnWriteArrayList<>();
            there.onEnded(heardThere::add);
            await().atMost(Duration.ofSeconds(5)).until(() -> get(backbone.strings()
                    .pubsubNumsub("chorus:session-ended").toCompletableFuture()).get("chorus:session-ended") == 2);
            get(here.save(new LoginSession("phone", "Bob", CREATED, CREATED)));
            get(there.save(new LoginSession("laptop", "bob", CREATED, CREATED)));
            get(here.save(new LoginSession("gone", "bob", CREATED, CREATED)));
            get(here.delete("gone"));
            get(here.save(new LoginSession("other", "carol", CREATED, CREATED)));

            assertThat(get(here.deleteAllOf("BOB"))).containsExactlyInAnyOrder("phone", "laptop");

            assertThat(get(here.find("phone"))).isEmpty();
            assertThat(get(there.find("laptop"))).isEmpty();
            assertThat(get(here.find("other"))).isPresent();
            await().atMost(Duration.ofSeconds(5)).until(() -> heardThere.containsAll(List.of("phone", "laptop")));
            assertThat(get(here.deleteAllOf("bob"))).isEmpty();
            assertThat(pttl("chorus:user-sessions:carol")).isBetween(TTL.toMillis() - 5_000, TTL.toMillis());
        }
    }

    private static long pttl(String key) throws Exception {
        return get(backbone.strings().pttl(key).toCompletableFuture());
    }
}
