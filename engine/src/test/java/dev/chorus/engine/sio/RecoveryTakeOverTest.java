package dev.chorus.engine.sio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.testsupport.TestHttpServer;
import dev.chorus.engine.testsupport.WsClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that gave up on a connection the server still holds (a poll failed while nodes restarted) recovers its
 * socket on a new connection, under the same socket id. The socket it left behind must never touch the recovered
 * one's rooms or recovery session, whenever it finally closes. The adapter here keeps each live socket's session, as
 * the cluster's does, so that the session can be recovered while the old socket still lives.
 */
class RecoveryTakeOverTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The sessions the adapter keeps, by pid, as a cluster keeps them in Redis while their sockets live. */
    private final Map<String, PersistedSession> kept = new ConcurrentHashMap<>();
    private final Map<String, String> pidOfSocket = new ConcurrentHashMap<>();
    private final List<PersistedSession> persistedOnClose = new CopyOnWriteArrayList<>();
    private final List<DisconnectReason> disconnects = new CopyOnWriteArrayList<>();
    private final List<String> firstOffsets = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private SocketIoServer io;
    private TestHttpServer http;

    @BeforeEach
    void start() {
        RecoveryOptions recovery = RecoveryOptions.defaults();
        io = new SocketIoServer(SocketIoOptions.builder()
                .engine(EngineOptions.builder().path("/socket.io").build())
                .recovery(recovery)
                .adapterFactory(nsp -> new LiveSessionAdapter(nsp, recovery))
                .meterRegistry(meters)
                .build());
        io.sockets().onConnection(socket -> {
            socket.join("r");
            socket.onDisconnect((s, reason) -> disconnects.add(reason));
        });
        http = TestHttpServer.start(List.of(io.httpHandler()));
    }

    @AfterEach
    void stop() {
        io.close();
        http.close();
    }

    @Test
    void theConnectionLeftBehindClosesWithoutTakingTheRecoveredSocketOutOfItsRooms() throws Exception {
        Connected first = connect();
        String sid = first.sid();
        String pid = first.pid();
        io.sockets().to("r").emit("news", "before");
        String offset = json(first.client().nextTextSkippingPings().substring(2)).get(2).asText();

        WsClient second = open(http.port());
        second.send("40" + MAPPER.createObjectNode().put("pid", pid).put("offset", offset));
        assertThat(json(second.nextTextSkippingPings().substring(2)).get("sid").asText()).as("recovered")
                .isEqualTo(sid);

        assertThat(first.client().awaitClosed()).as("the connection its client left, closed by the server")
                .isNotEqualTo(-1);
        first.client().close();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> io.engine().sessionCount() == 1);

        io.sockets().to("r").emit("news", "after");
        assertThat(json(second.nextTextSkippingPings().substring(2)).get(1).asText()).isEqualTo("after");
        assertThat(io.sockets().socket(sid).recovered()).isTrue();
        assertThat(io.sockets().socket(sid).rooms()).containsExactlyInAnyOrder(sid, "r");
        assertThat(kept.get(pid).rooms()).as("the session describes the live socket").contains("r");
        assertThat(persistedOnClose).as("nothing persisted by the socket left behind").isEmpty();
        assertThat(disconnects).containsExactly(DisconnectReason.SUPERSEDED);
        assertThat(meters.get("chorus.sockets.superseded").counter().count()).isEqualTo(1);
        assertThat(meters.get("chorus.recoveries.roomless").counter().count()).isZero();
        second.close();
    }

    @Test
    void aRecoveryWhoseSessionLostItsRoomsIsCounted() throws Exception {
        Connected first = connect();
        io.sockets().to("r").emit("news", "before");
        String offset = json(first.client().nextTextSkippingPings().substring(2)).get(2).asText();
        PersistedSession live = kept.get(first.pid());
        kept.put(first.pid(), new PersistedSession(live.sid(), live.pid(), Set.of(live.sid()), live.data()));

        WsClient second = open(http.port());
        second.send("40" + MAPPER.createObjectNode().put("pid", first.pid()).put("offset", offset));
        assertThat(json(second.nextTextSkippingPings().substring(2)).get("sid").asText()).isEqualTo(first.sid());

        assertThat(meters.get("chorus.recoveries.roomless").counter().count()).isEqualTo(1);
        first.client().close();
        second.close();
    }

    @Test
    void aSocketRecoveredOnAnotherNodeIsClosedHereAndLeavesItsSessionToIt() throws Exception {
        Connected connected = connect();
        String sid = connected.sid();
        String pid = connected.pid();

        io.sockets().supersede(sid, "another-pid");
        io.sockets().to("r").emit("news", "still here");
        assertThat(json(connected.client().nextTextSkippingPings().substring(2)).get(1).asText())
                .as("a pid of another socket: no effect").isEqualTo("still here");

        io.sockets().supersede(sid, pid);

        assertThat(connected.client().awaitClosed()).as("closed by the server").isNotEqualTo(-1);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> io.sockets().socket(sid) == null);
        assertThat(kept).as("the session is the new owner's now, not deleted").containsKey(pid);
        assertThat(persistedOnClose).isEmpty();
        assertThat(disconnects).containsExactly(DisconnectReason.SUPERSEDED);
        assertThat(meters.get("chorus.sockets.superseded").counter().count()).isEqualTo(1);
    }

    /**
     * A client asks for its socket back with the last offset it heard: the socket becomes recoverable, and the
     * adapter (which then has a session to keep) is told once, when the first offset goes out — not on connecting,
     * not on a volatile event, which carries none.
     */
    @Test
    void theAdapterHearsOfASocketsFirstOffsetOnce() throws Exception {
        Connected connected = connect();
        Socket socket = io.sockets().socket(connected.sid());
        io.sockets().to("r").asVolatile().emit("weather", "rain");
        assertThat(connected.client().nextTextSkippingPings()).startsWith("42[\"weather\"");
        assertThat(firstOffsets).as("no offset sent yet").isEmpty();
        assertThat(socket.recoverable()).isFalse();

        io.sockets().to("r").emit("news", "one");
        io.sockets().to("r").emit("news", "two");
        assertThat(json(connected.client().nextTextSkippingPings().substring(2)).size()).as("with its offset")
                .isEqualTo(3);
        assertThat(connected.client().nextTextSkippingPings()).contains("two");
        Awaitility.await().untilAsserted(() -> assertThat(firstOffsets).containsExactly(connected.sid()));
        assertThat(socket.recoverable()).isTrue();
        connected.client().close();
    }

    private record Connected(WsClient client, String sid, String pid) {
    }

    /** A socket connected to the main namespace, with the ids its CONNECT answer gave. */
    private Connected connect() throws Exception {
        WsClient client = open(http.port());
        client.send("40");
        JsonNode ack = json(client.nextTextSkippingPings().substring(2));
        return new Connected(client, ack.get("sid").asText(), ack.get("pid").asText());
    }

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    /** Keeps a live socket's session at every join and leave and hands it out on restore without spending it. */
    private final class LiveSessionAdapter extends InMemoryAdapter {
        LiveSessionAdapter(Namespace nsp, RecoveryOptions recovery) {
            super(nsp, recovery, Clock.systemUTC());
        }

        @Override
        public void addAll(String socketId, Set<String> rooms) {
            super.addAll(socketId, rooms);
            keep(socketId);
        }

        @Override
        public void del(String socketId, String room) {
            super.del(socketId, room);
            keep(socketId);
        }

        @Override
        public void delAll(String socketId) {
            super.delAll(socketId);
            String pid = pidOfSocket.remove(socketId);
            if (pid != null) {
                kept.remove(pid);
            }
        }

        @Override
        public void release(String socketId) {
            super.delAll(socketId);
            pidOfSocket.remove(socketId);
        }

        private void keep(String socketId) {
            Socket socket = nsp.socket(socketId);
            if (socket != null) {
                pidOfSocket.put(socketId, socket.pid());
                kept.put(socket.pid(), new PersistedSession(socketId, socket.pid(), socketRooms(socketId),
                        socket.data().deepCopy()));
            }
        }

        @Override
        public void firstOffsetSent(Socket socket) {
            firstOffsets.add(socket.id());
        }

        @Override
        public CompletableFuture<Void> persistSession(PersistedSession session) {
            persistedOnClose.add(session);
            kept.put(session.pid(), session);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<PersistedSession> restoreSession(String pid, String offset) {
            return CompletableFuture.completedFuture(kept.get(pid));
        }
    }

    /** An Engine.IO WebSocket connection, its open packet read. */
    private static WsClient open(int port) {
        WsClient client = WsClient.connect(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"));
        assertThat(client.nextText()).startsWith("0{");
        return client;
    }
}
