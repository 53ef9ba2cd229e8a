package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.chat.web.AuthMode;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection state recovery across nodes, on the wire: a socket lost on one node comes back on another with what it
 * missed, in order, then its CONNECT; after the recovery window it comes back as a new socket with nothing replayed.
 */
class ClusterRecoveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WINDOW = Duration.ofSeconds(2);

    @TempDir
    static Path data;
    private static RedisServer redis;
    private static final List<Node> nodes = new ArrayList<>();
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startCluster() throws InterruptedException {
        redis = RedisServer.start();
        for (int i = 0; i < 2; i++) {
            nodes.add(Node.start(TestNodes.settings(data.resolve("n" + i))
                    .with(Keys.AUTH, AuthMode.GUEST)
                    .with(Keys.RECOVERY_WINDOW, WINDOW)
                    .with(Keys.REDIS, redis.url())));
        }
    }

    @AfterAll
    static void stopCluster() {
        nodes.forEach(Node::close);
        redis.close();
    }

    private record Lost(String sid, String pid, String offset) {
    }

    @Test
    void aSocketLostOnOneNodeRecoversOnAnotherWithinTheWindowOnly() throws Exception {
        String alice = new AuthApi(http, nodes.get(0).port()).guestLogin("alice").session();
        String bob = new AuthApi(http, nodes.get(1).port()).guestLogin("bob").session();
        RawSocketIo sender = connectedIn(bob, 1);

        Lost lost = cutAfterAMessage(alice, 0, sender);
        List<String> missed = List.of(send(sender, "one"), send(sender, "two"), send(sender, "three"));

        RawSocketIo back = RawSocketIo.open(http, nodes.get(1).port(), alice);
        back.send("40" + JSON.createObjectNode().put("pid", lost.pid()).put("offset", lost.offset()));
        List<String> texts = new ArrayList<>();
        String packet = back.next();
        while (packet.startsWith("42")) {
            JsonNode event = JSON.readTree(packet.substring(2));
            if (event.path(0).asText().equals("message")) {
                texts.add(event.path(1).path("text").asText());
            }
            packet = back.next();
        }
        assertThat(texts).as("missed events, in order, before the CONNECT").containsExactlyElementsOf(missed);
        assertThat(packet).startsWith("40{");
        assertThat(JSON.readTree(packet.substring(2)).path("sid").asText()).as("the same socket").isEqualTo(lost.sid());
        back.close();

        Lost expired = cutAfterAMessage(alice, 1, sender);
        Thread.sleep(WINDOW.toMillis() + 1500);
        send(sender, "too late");
        RawSocketIo afterWindow = RawSocketIo.open(http, nodes.get(0).port(), alice);
        afterWindow.send("40" + JSON.createObjectNode().put("pid", expired.pid()).put("offset", expired.offset()));
        String connected = afterWindow.next();
        assertThat(connected).as("no partial replay: a new socket, nothing before its CONNECT").startsWith("40{");
        assertThat(JSON.readTree(connected.substring(2)).path("sid").asText()).isNotEqualTo(expired.sid());
        afterWindow.close();
        sender.close();
    }

    /**
     * A client that presents another user's recovery ids (read off a shared machine, say) gets a socket of its own:
     * none of the other user's rooms, none of their missed messages. The owner can still recover.
     */
    @Test
    void anotherUsersLoginCannotRecoverASocket() throws Exception {
        String erin = new AuthApi(http, nodes.get(0).port()).guestLogin("erin").session();
        String mallory = new AuthApi(http, nodes.get(1).port()).guestLogin("mallory").session();
        RawSocketIo sender = connectedIn(new AuthApi(http, nodes.get(1).port()).guestLogin("frank").session(), 1);
        Lost lost = cutAfterAMessage(erin, 0, sender);
        String missed = send(sender, "for erin's eyes");

        RawSocketIo thief = RawSocketIo.open(http, nodes.get(1).port(), mallory);
        thief.send("40" + JSON.createObjectNode().put("pid", lost.pid()).put("offset", lost.offset()));
        String connected = thief.next();
        assertThat(connected).as("nothing replayed before the CONNECT").startsWith("40{");
        assertThat(JSON.readTree(connected.substring(2)).path("sid").asText()).as("a socket of its own")
                .isNotEqualTo(lost.sid());
        send(sender, "after the theft");
        Thread.sleep(500);
        thief.send("421[\"join\",{\"room\":\"mallorys-own\"}]");
        for (String packet = thief.next(); !packet.startsWith("431["); packet = thief.next()) {
            assertThat(packet).as("in no room of erin's").doesNotContain("after the theft");
        }
        thief.close();

        RawSocketIo owner = RawSocketIo.open(http, nodes.get(0).port(), erin);
        owner.send("40" + JSON.createObjectNode().put("pid", lost.pid()).put("offset", lost.offset()));
        String first = owner.next();
        assertThat(first).as("the owner still gets what she missed").startsWith("42[\"message\"").contains(missed);
        owner.close();
        sender.close();
    }

    /**
     * The client gave up on a connection its node still holds (a poll failed while the proxy had no ready node) and
     * recovered the socket on the other node, under the same id. The node it left closes that connection, and nothing
     * done there later touches the recovered socket's rooms or its recovery session.
     */
    @Test
    void aConnectionLeftBehindOnOneNodeNeverTakesTheRecoveredSocketOutOfItsRooms() throws Exception {
        String carol = new AuthApi(http, nodes.get(0).port()).guestLogin("carol").session();
        RawSocketIo sender = connectedIn(new AuthApi(http, nodes.get(1).port()).guestLogin("dave").session(), 1);
        RawSocketIo leftBehind = RawSocketIo.open(http, nodes.get(0).port(), carol);
        Lost ids = joinAndReadOffset(leftBehind, sender);

        RawSocketIo back = recover(carol, 1, ids);
        assertThat(leftBehind.closedByServer()).as("the connection left behind, closed by its node")
                .succeedsWithin(Duration.ofSeconds(10));
        leftBehind.close();

        send(sender, "after the take-over");
        awaitMessage(back, "after the take-over");
        back.send("423[\"message\",{\"room\":\"lobby\",\"text\":\"still in\"}]");
        String ack = back.next();
        while (ack.startsWith("42")) {
            ack = back.next();
        }
        assertThat(ack).as("not refused with 'join the room first'").startsWith("433[{\"id\"");

        String offset = offsetOfNext(back, sender);
        back.cut();
        RawSocketIo again = recover(carol, 0, new Lost(ids.sid(), ids.pid(), offset));
        send(sender, "after the second recovery");
        awaitMessage(again, "after the second recovery");
        again.close();
        sender.close();
    }

    /**
     * A live socket's recovery session goes to Redis once its client has heard an offset, without which it could not
     * ask for the socket back: nothing on connecting and joining before that, one write when the first broadcast
     * reaches it, then one for what each turn of its loop changes — a room and its presence channel on a join.
     */
    @Test
    void aSocketsSessionIsWrittenFromItsFirstOffsetOnAndOncePerJoin() throws Exception {
        String grace = new AuthApi(http, nodes.get(0).port()).guestLogin("grace").session();
        RawSocketIo sender = connectedIn(new AuthApi(http, nodes.get(1).port()).guestLogin("judy").session(), 1);
        try (SessionWrites writes = new SessionWrites()) {
            RawSocketIo socket = RawSocketIo.open(http, nodes.get(0).port(), grace);
            socket.send("40");
            String pid = JSON.readTree(socket.next().substring(2)).path("pid").asText();
            socket.send("421[\"join\",{\"room\":\"lobby\"}]");
            awaitAck(socket, "431[");
            Thread.sleep(300);
            assertThat(writes.of(pid)).as("nothing before the client hears an offset").isZero();

            offsetOfNext(socket, sender);
            await().untilAsserted(() -> assertThat(writes.of(pid)).isEqualTo(1));

            socket.send("422[\"join\",{\"room\":\"graces-room\"}]");
            awaitAck(socket, "432[");
            socket.send("423[\"join\",{\"room\":\"graces-other-room\",\"presence\":true}]");
            awaitAck(socket, "433[");
            await().untilAsserted(() -> assertThat(writes.of(pid)).isEqualTo(3));
            Thread.sleep(300);
            assertThat(writes.of(pid)).as("nothing more").isEqualTo(3);
            socket.close();
        } finally {
            sender.close();
        }
    }

    /**
     * A socket recovered into the rooms and data its session holds writes nothing of its own: the claim left that very
     * session in Redis, with a live socket's lifetime. Its first change is written as any socket's.
     */
    @Test
    void aSocketRecoveredUnchangedLeavesTheSessionItsClaimLeft() throws Exception {
        String heidi = new AuthApi(http, nodes.get(0).port()).guestLogin("heidi").session();
        RawSocketIo sender = connectedIn(new AuthApi(http, nodes.get(1).port()).guestLogin("ivan").session(), 1);
        try (SessionWrites writes = new SessionWrites()) {
            Lost lost = cutAfterAMessage(heidi, 0, sender);
            // When the first message reached it, and when the node saw the connection go.
            await().untilAsserted(() -> assertThat(writes.of(lost.pid())).isEqualTo(2));

            RawSocketIo back = recover(heidi, 1, lost);
            Thread.sleep(300);
            assertThat(writes.of(lost.pid())).as("nothing written by the recovered socket").isEqualTo(2);

            back.send("421[\"join\",{\"room\":\"heidis-room\"}]");
            awaitAck(back, "431[");
            await().untilAsserted(() -> assertThat(writes.of(lost.pid())).isEqualTo(3));
            back.close();
        } finally {
            sender.close();
        }
    }

    /** The recovery sessions' writes, as Redis tells them (keyspace notifications of string commands). */
    private static final class SessionWrites implements AutoCloseable {
        private final RedisClient client = RedisClient.create(redis.url());
        private final StatefulRedisPubSubConnection<String, String> events;
        private final List<String> seen = new CopyOnWriteArrayList<>();

        SessionWrites() {
            try (StatefulRedisConnection<String, String> commands = client.connect()) {
                commands.sync().configSet("notify-keyspace-events", "K$");
            }
            events = client.connectPubSub();
            events.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String pattern, String channel, String message) {
                    seen.add(channel.substring(channel.indexOf(':') + 1) + " " + message);
                }
            });
            events.sync().psubscribe("__keyspace@0__:sio:session:*");
        }

        /** How many times the session of that pid was written. */
        long of(String pid) {
            String written = "sio:session:" + pid + " set";
            return seen.stream().filter(written::equals).count();
        }

        @Override
        public void close() {
            events.close();
            client.shutdown();
        }
    }

    private static RawSocketIo recover(String session, int node, Lost lost) throws Exception {
        RawSocketIo back = RawSocketIo.open(http, nodes.get(node).port(), session);
        back.send("40" + JSON.createObjectNode().put("pid", lost.pid()).put("offset", lost.offset()));
        String packet = back.next();
        while (!packet.startsWith("40")) {
            packet = back.next();
        }
        assertThat(JSON.readTree(packet.substring(2)).path("sid").asText()).as("recovered").isEqualTo(lost.sid());
        return back;
    }

    /** Reads until the socket gets a chat message with that text: it is in the room. */
    private static void awaitMessage(RawSocketIo socket, String text) throws Exception {
        String packet = socket.next();
        while (!packet.startsWith("42[\"message\"")
                || !JSON.readTree(packet.substring(2)).path(1).path("text").asText().equals(text)) {
            packet = socket.next();
        }
    }

    private static RawSocketIo connectedIn(String session, int node) throws Exception {
        RawSocketIo socket = RawSocketIo.open(http, nodes.get(node).port(), session);
        socket.send("40");
        assertThat(socket.next()).startsWith("40{");
        socket.send("421[\"join\",{\"room\":\"lobby\"}]");
        awaitAck(socket, "431[");
        return socket;
    }

    /** Waits for an acknowledgement, past the events (presence of other sockets) that may come first. */
    private static void awaitAck(RawSocketIo socket, String prefix) throws Exception {
        String packet = socket.next();
        while (packet.startsWith("42")) {
            packet = socket.next();
        }
        assertThat(packet).startsWith(prefix);
    }

    /** Sends a message and waits for its ack and its broadcast; @return its text */
    private static String send(RawSocketIo sender, String text) throws Exception {
        sender.send("422[\"message\",{\"room\":\"lobby\",\"text\":\"" + text + "\"}]");
        boolean acked = false;
        boolean echoed = false;
        while (!acked || !echoed) {
            String packet = sender.next();
            acked |= packet.startsWith("432[");
            echoed |= packet.startsWith("42[\"message\"") && packet.contains("\"" + text + "\"");
        }
        return text;
    }

    /** A socket that joined, got a message with its offset, then lost its connection. */
    private static Lost cutAfterAMessage(String session, int node, RawSocketIo sender) throws Exception {
        RawSocketIo socket = RawSocketIo.open(http, nodes.get(node).port(), session);
        Lost lost = joinAndReadOffset(socket, sender);
        socket.cut();
        return lost;
    }

    /** Connects the socket, joins the lobby and reads the offset of a message sent there. */
    private static Lost joinAndReadOffset(RawSocketIo socket, RawSocketIo sender) throws Exception {
        socket.send("40");
        String connected = socket.next();
        JsonNode ids = JSON.readTree(connected.substring(2));
        socket.send("421[\"join\",{\"room\":\"lobby\"}]");
        awaitAck(socket, "431[");
        return new Lost(ids.path("sid").asText(), ids.path("pid").asText(), offsetOfNext(socket, sender));
    }

    /** The offset of the next message the sender sends to the lobby, as the socket gets it. */
    private static String offsetOfNext(RawSocketIo socket, RawSocketIo sender) throws Exception {
        send(sender, "marker " + System.nanoTime());
        String offset = null;
        while (offset == null) {
            String packet = socket.next();
            if (packet.startsWith("42[\"message\"")) {
                JsonNode event = JSON.readTree(packet.substring(2));
                offset = event.path(event.size() - 1).asText();
            }
        }
        return offset;
    }
}
