package dev.chorus.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.adapter.ClusterBus;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.message.Conversation;
import dev.chorus.core.message.Post;
import dev.chorus.core.message.Publication;
import dev.chorus.core.room.RoomNames;
import dev.chorus.engine.sio.RecoveryOptions;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisPublisherTest extends RedisStoreTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");
    private static final Duration DAY = Duration.ofDays(1);
    private static final RedisPublisher.Limits PLENTY = new RedisPublisher.Limits(1000, 1000, 100, DAY,
            Duration.ofMinutes(5));

    private ClusterBus bus;

    @BeforeEach
    void joinTheCluster() throws Exception {
        bus = get(ClusterBus.start(backbone, ClusterBus.Settings.defaults(), RecoveryOptions.defaults()));
        new SocketIoServer(SocketIoOptions.builder().adapterFactory(bus.adapterFactory()).build()).sockets();
    }

    @AfterEach
    void leave() {
        bus.close();
    }

    @Test
    void oneStepStoresTheMessageAndAppendsItsBroadcastToTheClusterStream() throws Exception {
        Publication publication = get(publisher(PLENTY, NOW).publish(post("alice", "lobby", "héllo \"-1\"", null)));

        long now = NOW.toEpochMilli();
        ChatMessage stored = new ChatMessage(now, "lobby", "alice", "héllo \"-1\"", 7);
        assertThat(publication).isEqualTo(new Publication.Published(stored));
        assertThat(get(new RedisHistoryStore(backbone, RedisKeys.DEFAULT_PREFIX).before("lobby", null, 10)))
                .containsExactly(stored);

        List<StreamMessage<String, String>> entries = get(backbone.strings()
                .xrange("socket.io", Range.unbounded()).toCompletableFuture());
        assertThat(entries).hasSize(1);
        Map<String, String> fields = entries.get(0).getBody();
        assertThat(fields).containsEntry("nsp", "/").containsEntry("type", "3").containsKey("uid");
        // The format of Node's streams adapter: a Node peer delivers this entry as any broadcast.
        JsonNode data = new ObjectMapper().readTree(fields.get("data"));
        assertThat(data.path("packet").path("type").asInt()).isEqualTo(2);
        assertThat(data.path("packet").path("data").toString()).isEqualTo(
                "[\"message\",{\"id\":" + now + ",\"room\":\"lobby\",\"user\":\"alice\",\"text\":\"héllo \\\"-1\\\"\","
                        + "\"ts\":7}]");
        assertThat(data.path("opts").path("rooms").toString()).isEqualTo("[\"lobby\"]");
    }

    @Test
    void theStoredIdGoesWhereThePayloadHasItsIdWhateverTheOrderOfItsProperties() throws Exception {
        RedisPublisher publisher = new RedisPublisher(backbone,
                post -> bus.storedBroadcast("/", "dm", List.of("@user:alice"), new IdLast(post.text(), 0)), PLENTY,
                Clock.fixed(NOW, ZoneOffset.UTC), RedisKeys.DEFAULT_PREFIX);

        get(publisher.publish(post("alice", "@alice,bob", "\"id\":1", null)));

        String data = get(backbone.strings().xrange("socket.io", Range.unbounded()).toCompletableFuture()).get(0)
                .getBody().get("data");
        assertThat(new ObjectMapper().readTree(data).path("packet").path("data").toString())
                .isEqualTo("[\"dm\",{\"text\":\"\\\"id\\\":1\",\"id\":" + NOW.toEpochMilli() + "}]");
    }

    /** A payload whose id is not its first property. */
    record IdLast(String text, long id) {
    }

    @Test
    void idsAreTheMillisecondsIncreasingInStreamOrderWhateverTheNodesClock() throws Exception {
        List<CompletableFuture<Publication>> sends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sends.add(publisher(PLENTY, NOW).publish(post("alice", "lobby", "same millisecond " + i, null)));
        }
        sends.add(publisher(PLENTY, NOW.minusSeconds(60)).publish(post("bob", "lobby", "behind", null)));
        sends.add(publisher(PLENTY, NOW.plusSeconds(60)).publish(post("carol", "lobby", "ahead", null)));

        long now = NOW.toEpochMilli();
        assertThat(ids(sends)).containsExactly(now, now + 1, now + 2, now + 3, now + 60_000);
        assertThat(get(publisher(PLENTY, NOW).publish(post("alice", "elsewhere", "apart", null))))
                .isEqualTo(new Publication.Published(new ChatMessage(now, "elsewhere", "alice", "apart", 7)));
    }

    @Test
    void keepsExactlyTheLastMessagesAndNoneOlderThanTheMaximumAge() throws Exception {
        RedisPublisher.Limits fiveForAMinute = new RedisPublisher.Limits(1000, 1000, 5, Duration.ofMinutes(1),
                Duration.ofMinutes(5));
        List<CompletableFuture<Publication>> sends = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sends.add(publisher(fiveForAMinute, NOW).publish(post("alice", "busy", "m" + i, null)));
        }
        List<Long> ids = ids(sends);
        RedisHistoryStore history = new RedisHistoryStore(backbone, RedisKeys.DEFAULT_PREFIX);
        assertThat(get(history.before("busy", null, 100))).extracting(ChatMessage::id)
                .containsExactlyElementsOf(ids.subList(3, 8));

        Publication late = get(publisher(fiveForAMinute, NOW.plusSeconds(61)).publish(post("bob", "busy", "late",
                null)));
        assertThat(get(history.before("busy", null, 100))).containsExactly(((Publication.Published) late).message());
        long pttl = get(backbone.strings().pttl("chorus:history:busy").toCompletableFuture());
        assertThat(pttl).as("an idle room goes away by itself").isBetween(1L, 60_000L);
    }

    @Test
    void aSenderOverTheRateIsToldHowLongToWaitOnEveryNode() throws Exception {
        RedisPublisher.Limits oneASecondThreeSaved = new RedisPublisher.Limits(1, 3, 100, DAY, Duration.ofMinutes(5));
        for (int i = 0; i < 3; i++) {
            assertThat(get(publisher(oneASecondThreeSaved, NOW).publish(post("alice", "lobby", "m" + i, null))))
                    .as("message %d of the burst", i).isInstanceOf(Publication.Published.class);
        }

        assertThat(get(publisher(oneASecondThreeSaved, NOW).publish(post("alice", "lobby", "too fast", null))))
                .isEqualTo(new Publication.RateLimited(1000));
        assertThat(get(publisher(oneASecondThreeSaved, NOW.plusMillis(400)).publish(post("alice", "lobby", "x", null))))
                .as("another node, 400 ms later").isEqualTo(new Publication.RateLimited(600));
        assertThat(get(publisher(oneASecondThreeSaved, NOW).publish(post("bob", "lobby", "mine", null))))
                .as("buckets are per user").isInstanceOf(Publication.Published.class);
        assertThat(get(new RedisHistoryStore(backbone, RedisKeys.DEFAULT_PREFIX).before("lobby", null, 100)))
                .extracting(ChatMessage::text).as("nothing refused was stored").containsExactly("m0", "m1", "m2", "mine");
        long pttl = get(backbone.strings().pttl("chorus:rate:alice").toCompletableFuture());
        assertThat(pttl).as("kept until full again").isBetween(1L, 3000L);
    }

    @Test
    void aRetryWithTheSameClientKeyGetsTheFirstIdAndIsNotSentAgain() throws Exception {
        long id = ((Publication.Published) get(publisher(PLENTY, NOW).publish(post("alice", "lobby", "once", "k1"))))
                .message().id();

        assertThat(get(publisher(PLENTY, NOW.plusMillis(5)).publish(post("alice", "lobby", "once", "k1"))))
                .as("the retry, on another node").isEqualTo(new Publication.AlreadySent(id));
        assertThat(get(publisher(PLENTY, NOW).publish(post("bob", "lobby", "once", "k1"))))
                .as("keys are per user").isInstanceOf(Publication.Published.class);
        assertThat(get(backbone.strings().xlen("socket.io").toCompletableFuture())).isEqualTo(2);
    }

    @Test
    void aDirectMessageKeepsItsSendersIdAndClientAndIsTheLatestOfBothUsersConversations() throws Exception {
        String conversation = RoomNames.direct("alice", "bob");
        Post post = new Post("alice", new Conversation.Direct("alice", "Bob"), "hi", 7, null, "c-1", "phone");

        Publication publication = get(publisher(PLENTY, NOW).publish(post));

        long now = NOW.toEpochMilli();
        ChatMessage stored = new ChatMessage(now, conversation, "alice", "hi", 7, "c-1", "phone");
        assertThat(publication).isEqualTo(new Publication.Published(stored));
        RedisHistoryStore history = new RedisHistoryStore(backbone, RedisKeys.DEFAULT_PREFIX);
        assertThat(get(history.before(conversation, null, 10))).containsExactly(stored);
        assertThat(get(history.conversations("Bob", 0, 10))).containsExactly(conversation);
        assertThat(get(history.conversations("alice", 0, 10))).containsExactly(conversation);
        assertThat(get(history.conversations("alice", now, 10))).as("nothing newer").isEmpty();
        assertThat(get(history.conversations("carol", 0, 10))).isEmpty();
        get(publisher(PLENTY, NOW).publish(post("alice", "lobby", "a room is no conversation", null)));
        assertThat(get(history.conversations("alice", 0, 10))).containsExactly(conversation);
    }

    private RedisPublisher publisher(RedisPublisher.Limits limits, Instant now) {
        return new RedisPublisher(backbone, post -> bus.storedBroadcast("/", "message",
                List.of(post.conversation().key()), new ChatMessage(0, post.conversation().key(), post.user(),
                        post.text(), post.ts())), limits, Clock.fixed(now, ZoneOffset.UTC), RedisKeys.DEFAULT_PREFIX);
    }

    private static Post post(String user, String room, String text, String clientKey) {
        return new Post(user, new Conversation.Room(room), text, 7, clientKey);
    }

    private static List<Long> ids(List<CompletableFuture<Publication>> sends) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (CompletableFuture<Publication> send : sends) {
            ids.add(((Publication.Published) get(send)).message().id());
        }
        return ids;
    }
}
