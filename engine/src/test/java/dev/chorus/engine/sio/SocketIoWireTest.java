package dev.chorus.engine.sio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.engine.testsupport.LeakDetection;
import dev.chorus.engine.testsupport.Polling;
import dev.chorus.engine.testsupport.TestNode;
import dev.chorus.engine.testsupport.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Socket.IO on the wire against a real server: socketio-wire.md §2 and §4, over WebSocket and polling. */
class SocketIoWireTest {
    private static final String P0 = "{\"_placeholder\":true,\"num\":0}";
    private static final String P1 = "{\"_placeholder\":true,\"num\":1}";
    private static final Pattern SID = Pattern.compile("^40(?:/[^,]*,)?\\{\"sid\":\"([A-Za-z0-9_-]{20})\"}$");

    private static TestNode node;
    private static Polling polling;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        polling = node.socketIoPolling();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void connectsToNamespacesAndRefusesUnknownOnes() {
        try (WsClient ws = openWebSocket()) {
            ws.send("40");
            assertThat(ws.nextTextSkippingPings()).matches(SID);
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"auth\",{}]");

            ws.send("40/custom,{\"token\":\"abc\"}");
            assertThat(ws.nextTextSkippingPings()).matches(SID).startsWith("40/custom,");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42/custom,[\"auth\",{\"token\":\"abc\"}]");

            ws.send("40/random");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");
        }
    }

    @Test
    void namespaceHandlersServeEverySocketUnlessTheSocketHasItsOwn() {
        node.io().sockets().onEvent("everyone", (socket, args, ack) -> ack.send("namespace", socket.id()))
                .onEvent("message-with-ack", (socket, args, ack) -> ack.send("namespace, not the socket's"));
        try (WsClient ws = connectedWebSocket()) {
            ws.send("421[\"everyone\"]");
            assertThat(ws.nextTextSkippingPings()).startsWith("431[\"namespace\",\"");

            ws.send("422[\"message-with-ack\",\"mine\"]");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("432[\"mine\"]");
        }
    }

    @Test
    void echoesEventsWithBinaryAttachments() {
        try (WsClient ws = connectedWebSocket()) {
            ws.send("452-[\"message\"," + P0 + "," + P1 + "]");
            ws.send(new byte[] {1, 2, 3});
            ws.send(new byte[] {4});

            assertThat(ws.nextTextSkippingPings()).isEqualTo("452-[\"message-back\"," + P0 + "," + P1 + "]");
            assertThat(ws.nextBinary()).containsExactly(1, 2, 3);
            assertThat(ws.nextBinary()).containsExactly(4);
        }
    }

    @Test
    void acknowledgesWithTheSameArguments() {
        try (WsClient ws = connectedWebSocket()) {
            ws.send("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("43456[1,\"2\",{\"3\":[false]}]");

            ws.send("452-789[\"message-with-ack\"," + P0 + "," + P1 + "]");
            ws.send(new byte[] {5});
            ws.send(new byte[] {6, 7});
            assertThat(ws.nextTextSkippingPings()).isEqualTo("462-789[" + P0 + "," + P1 + "]");
            assertThat(ws.nextBinary()).containsExactly(5);
            assertThat(ws.nextBinary()).containsExactly(6, 7);
        }
    }

    @Test
    void leavingTheLastNamespaceKeepsTheSession() {
        try (WsClient ws = connectedWebSocket()) {
            ws.send("41");
            assertThat(ws.nextText()).isEqualTo("2");
            ws.send("3");
            ws.send("40");
            assertThat(ws.nextTextSkippingPings()).matches(SID);
        }
    }

    @Test
    void broadcastsToARoomAcrossTransports() {
        try (WsClient shouter = connectedWebSocket(); WsClient listener = connectedWebSocket();
                WsClient outsider = connectedWebSocket()) {
            String pollingSid = connectedPolling();
            join(shouter, "r");
            join(listener, "r");
            assertThat(polling.post(pollingSid, "421[\"join\",\"r\"]").statusCode()).isEqualTo(200);
            assertThat(pollPackets(pollingSid, 1)).containsExactly("431[\"joined\"]");

            CompletableFuture<List<String>> polled = CompletableFuture.supplyAsync(() -> pollPackets(pollingSid, 2));
            shouter.send("451-[\"shout\",\"r\"," + P0 + ",\"text\"]");
            shouter.send(new byte[] {1, 2});

            for (WsClient member : List.of(shouter, listener)) {
                assertThat(member.nextTextSkippingPings()).isEqualTo("451-[\"shouted\"," + P0 + ",\"text\"]");
                assertThat(member.nextBinary()).containsExactly(1, 2);
            }
            assertThat(polled.join()).containsExactly("451-[\"shouted\"," + P0 + ",\"text\"]", "bAQI=");

            outsider.send("42[\"message\",\"after\"]");
            assertThat(outsider.nextTextSkippingPings()).as("the outsider got nothing before").isEqualTo(
                    "42[\"message-back\",\"after\"]");
        }
    }

    @Test
    void aServerCloseSendsWhatWasQueuedFirst() {
        String engineSid = connectedPolling();
        Socket socket = onlySocketOf(engineSid);
        List<String> reasons = new ArrayList<>();
        socket.onDisconnect((s, reason) -> reasons.add(reason.text()));

        socket.emit("one", new byte[] {1});
        socket.emit("two", 2);
        socket.disconnect(true);

        assertThat(pollPackets(engineSid, 4))
                .containsExactly("451-[\"one\"," + P0 + "]", "bAQ==", "42[\"two\",2]", "41");
        assertThat(pollPackets(engineSid, 1)).containsExactly("1");
        assertThat(polling.poll(engineSid).statusCode()).isEqualTo(400);
        assertThat(reasons).containsExactly("server namespace disconnect");
    }

    @Test
    void aVanishedPollingClientIsClosedAndItsQueueReleased() {
        String engineSid = connectedPolling();
        Socket socket = onlySocketOf(engineSid);
        List<String> reasons = new ArrayList<>();
        socket.onDisconnect((s, reason) -> reasons.add(reason.text()));
        for (int i = 0; i < 5; i++) {
            socket.emit("queued", i, new byte[] {(byte) i});
        }

        await().atMost(Duration.ofSeconds(3)).until(() -> node.io().engine().session(engineSid) == null);
        assertThat(reasons).containsExactly("ping timeout");
        assertThat(LeakDetection.sweep()).isEmpty();
    }

    @Test
    void aServerShutdownEndsEverySessionAndDropsWhatItQueued() {
        TestNode other = TestNode.start();
        List<String> reasons = new ArrayList<>();
        try {
            Polling client = other.socketIoPolling();
            for (int i = 0; i < 3; i++) {
                String sid = client.handshake();
                client.post(sid, "40");
                await().until(() -> !other.io().sockets().sockets().isEmpty()
                        && other.io().sockets().sockets().stream().anyMatch(s -> s.engineSession().id().equals(sid)));
            }
            for (Socket socket : other.io().sockets().sockets()) {
                socket.onDisconnect((s, reason) -> {
                    synchronized (reasons) {
                        reasons.add(reason.text());
                    }
                });
            }
            other.io().sockets().emit("to everyone", new byte[] {1, 2, 3}, "queued");
        } finally {
            other.close();
        }
        assertThat(other.io().engine().sessionCount()).isZero();
        assertThat(reasons).containsExactly("server shutting down", "server shutting down", "server shutting down");
        assertThat(LeakDetection.sweep()).isEmpty();
    }

    // ---- helpers ----

    private static WsClient openWebSocket() {
        WsClient ws = WsClient.connect(polling.http(), polling.uri("EIO=4&transport=websocket"));
        assertThat(ws.nextText()).startsWith("0{");
        return ws;
    }

    private static WsClient connectedWebSocket() {
        WsClient ws = openWebSocket();
        ws.send("40");
        assertThat(ws.nextTextSkippingPings()).matches(SID);
        assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"auth\",{}]");
        return ws;
    }

    private static void join(WsClient ws, String room) {
        ws.send("427[\"join\",\"" + room + "\"]");
        assertThat(ws.nextTextSkippingPings()).isEqualTo("437[\"joined\"]");
    }

    /** @return the Engine.IO sid of a polling client connected to the main namespace */
    private static String connectedPolling() {
        String sid = polling.handshake();
        assertThat(polling.post(sid, "40").body()).isEqualTo("ok");
        List<String> packets = pollPackets(sid, 2);
        assertThat(packets.get(0)).matches(SID);
        assertThat(packets.get(1)).isEqualTo("42[\"auth\",{}]");
        return sid;
    }

    private static Socket onlySocketOf(String engineSid) {
        return node.io().sockets().sockets().stream()
                .filter(s -> s.engineSession().id().equals(engineSid))
                .findFirst().orElseThrow();
    }

    private static List<String> pollPackets(String sid, int count) {
        return polling.packets(sid, count);
    }
}
