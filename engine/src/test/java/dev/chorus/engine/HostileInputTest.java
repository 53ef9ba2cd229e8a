package dev.chorus.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.engine.eio.EngineSession;
import dev.chorus.engine.testsupport.NettyWarnings;
import dev.chorus.engine.testsupport.Polling;
import dev.chorus.engine.testsupport.RawWebSocket;
import dev.chorus.engine.testsupport.TestNode;
import dev.chorus.engine.testsupport.WsClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Garbage thrown at a running node. Each bad input must get the reference server's answer (a 400 JSON error, a
 * closed session, a closed connection) and nothing else: no exception escaping to Netty, no session left behind.
 * After each test a fresh client must still be served correctly.
 */
class HostileInputTest {
    private static final String RS = Polling.SEPARATOR;
    private static final String BAD_REQUEST = "{\"code\":3,\"message\":\"Bad request\"}";
    private static final String UNKNOWN_SID = "{\"code\":1,\"message\":\"Session ID unknown\"}";
    private static final String P0 = "{\"_placeholder\":true,\"num\":0}";

    private static TestNode node;
    private static Polling engine;
    private static Polling sio;
    private NettyWarnings warnings;

    @BeforeAll
    static void start() {
        node = TestNode.start(b -> b.maxHttpBufferSize(10_000));
        engine = node.enginePolling();
        sio = node.socketIoPolling();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @BeforeEach
    void watch() {
        warnings = NettyWarnings.capture();
    }

    @AfterEach
    void nodeStillServes() {
        try {
            assertFreshEngineClientWorks();
            assertFreshSocketIoClientWorks();
            assertThat(warnings.events()).as("exceptions that reached Netty or the engine's logs").isEmpty();
        } finally {
            warnings.close();
        }
    }

    // ---- Engine.IO over polling ----

    @ParameterizedTest
    @ValueSource(strings = {"7abc", "bA!!", "", RS, "4a" + RS, "4a" + RS + RS + "4b", "x", "4ok" + RS + "9", "bAAAAA!"})
    void aMalformedPollingBodyGets400AndEndsTheSession(String body) {
        String sid = engine.handshake();
        HttpResponse<String> response = engine.post(sid, body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo(BAD_REQUEST);
        assertGone(engine, sid);
    }

    @Test
    void aMalformedBodyReleasesAWaitingPollWithAClosePacket() {
        String sid = engine.handshake();
        CompletableFuture<HttpResponse<String>> pending = engine.pollAsync(sid);
        await().until(() -> node.echo().session(sid).canSendNow());

        assertThat(engine.post(sid, "7").statusCode()).isEqualTo(400);
        assertThat(pending.join().body()).isEqualTo("1");
        assertGone(engine, sid);
    }

    @Test
    void requestsForSessionsThatDoNotExist() {
        for (String method : List.of("GET", "POST")) {
            HttpResponse<String> response = engine.send(HttpRequest.newBuilder(engine.sessionUri("AAAAAAAAAAAAAAAAAAAA"))
                    .method(method, HttpRequest.BodyPublishers.ofString(method.equals("GET") ? "" : "4hello")));
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).isEqualTo(UNKNOWN_SID);
        }
    }

    @Test
    void invalidUtf8IsReplacedNotFatal() {
        String sid = engine.handshake();
        HttpResponse<String> response = engine.send(HttpRequest.newBuilder(engine.sessionUri(sid))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'4', (byte) 0xff, (byte) 0xc3, 'a'})));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(engine.packets(sid, 1)).containsExactly("4\ufffd\ufffda");
    }

    @Test
    void garbageInsteadOfHttpClosesTheConnection() {
        Set<String> before = sessionIds();
        for (String garbage : List.of("GARBAGE\r\n\r\n", "\u0000\u0001\u0002\u0003\r\n\r\n",
                "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
                "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")) {
            try (RawWebSocket raw = RawWebSocket.raw(node.port(), garbage.getBytes(StandardCharsets.ISO_8859_1))) {
                assertThat(raw.status()).as("answer to %s", garbage).isIn(400, 404);
                raw.body();
                assertThat(raw.readUntilClosed()).isEmpty();
            }
        }
        // Beyond what the HTTP pipeline takes at all: refused before the engine sees it.
        try (RawWebSocket raw = RawWebSocket.raw(node.port(), ("POST /engine.io/?EIO=4&transport=polling HTTP/1.1\r\n"
                + "Host: x\r\nContent-Length: 99999999\r\n\r\n4").getBytes(StandardCharsets.ISO_8859_1))) {
            assertThat(raw.status()).isEqualTo(413);
        }
        assertThat(sessionIds()).as("no session for a request that is not one").isSubsetOf(before);
    }

    @Test
    void aFloodOfTinyRequests() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                int n = i;
                statuses.add(pool.submit(() -> switch (n % 4) {
                    case 0 -> engine.poll("nope" + n).statusCode();
                    case 1 -> engine.post("nope" + n, "4x").statusCode();
                    case 2 -> engine.send(engine.request("EIO=4&transport=polling").GET()).statusCode();
                    default -> sio.send(sio.request("EIO=4&transport=polling").GET()).statusCode();
                }));
            }
            for (int i = 0; i < statuses.size(); i++) {
                assertThat(statuses.get(i).get()).isEqualTo(i % 4 < 2 ? 400 : 200);
            }
        } finally {
            pool.shutdown();
        }
        // The 1000 sessions opened and left alone end on their heartbeat.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> node.echo().sessionCount() == 0 && node.io().engine().sessionCount() == 0);
    }

    // ---- Engine.IO over WebSocket ----

    @Test
    void bytesThatAreNotWebSocketFramesCloseTheConnection() {
        try (RawWebSocket ws = openRawWebSocket("/engine.io/")) {
            ws.sendBytes("hello, this is not a frame\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedWith(ws, 1002);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x3, 0x7, 0xb, 0xf})
    void reservedOpcodesCloseTheConnection(int opcode) {
        try (RawWebSocket ws = openRawWebSocket("/engine.io/")) {
            ws.sendFrame(opcode, true, true, "4x".getBytes(StandardCharsets.US_ASCII));
            assertClosedWith(ws, 1002);
        }
    }

    @Test
    void framesThatBreakTheWebSocketRulesCloseTheConnection() {
        try (RawWebSocket ws = openRawWebSocket("/engine.io/")) {
            ws.sendFrame(RawWebSocket.TEXT, true, false, "4unmasked".getBytes(StandardCharsets.US_ASCII));
            assertClosedWith(ws, 1002);
        }
        try (RawWebSocket ws = openRawWebSocket("/engine.io/")) {
            ws.sendFrame(RawWebSocket.PING, false, true, new byte[] {1});
            assertClosedWith(ws, 1002);
        }
        try (RawWebSocket ws = openRawWebSocket("/engine.io/")) {
            ws.sendFrame(0x0, true, true, "4orphan continuation".getBytes(StandardCharsets.US_ASCII));
            assertClosedWith(ws, 1002);
        }
        try (RawWebSocket ws = openRawWebSocket("/engine.io/")) {
            ws.sendFrame(RawWebSocket.TEXT, true, true, new byte[] {'4', (byte) 0xc3, (byte) 0x28});
            assertClosedWith(ws, 1007);
        }
        try (RawWebSocket ws = openRawWebSocket("/engine.io/")) {
            ws.sendFrame(RawWebSocket.TEXT, true, true, ("4" + "x".repeat(20_000)).getBytes(StandardCharsets.US_ASCII));
            assertClosedWith(ws, 1009);
        }
        try (RawWebSocket ws = openRawWebSocket("/engine.io/")) {
            ws.sendFrame(RawWebSocket.TEXT, false, true, ("4" + "x".repeat(6_000)).getBytes(StandardCharsets.US_ASCII));
            ws.sendFrame(0x0, true, true, "y".repeat(6_000).getBytes(StandardCharsets.US_ASCII));
            assertClosedWith(ws, 1009);
        }
        await().until(() -> node.echo().sessionCount() == 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "9", "x", "2", "2probe", "\u0000"})
    void engineIoPacketsThatAreNotAllowedCloseTheSession(String packet) {
        try (RawWebSocket ws = openRawWebSocket("/engine.io/")) {
            ws.sendText(packet);
            assertClosedWith(ws, 1000);
        }
        await().until(() -> node.echo().sessionCount() == 0);
    }

    @Test
    void anUpgradeWithoutAKeyIsRefusedAndLeavesNoSession() {
        try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/engine.io/?EIO=4&transport=websocket", false)) {
            assertThat(ws.status()).isEqualTo(400);
            ws.readUntilClosed();
        }
        String sid = engine.handshake();
        try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/engine.io/?EIO=4&transport=websocket&sid=" + sid,
                false)) {
            assertThat(ws.status()).isEqualTo(400);
            ws.readUntilClosed();
        }
        assertThat(engine.post(sid, "4still polling").statusCode()).isEqualTo(200);
        assertThat(engine.packets(sid, 1)).containsExactly("4still polling");
        assertThat(engine.post(sid, "1").statusCode()).isEqualTo(200);
        await().until(() -> node.echo().sessionCount() == 0);
    }

    // ---- Socket.IO ----

    @ParameterizedTest
    @ValueSource(strings = {"4abc", "4", "42{}", "42abc[\"a\"]", "42[\"a\"", "42[\"a\"]x", "42[]", "42[\"connect\"]",
            "42[\"disconnecting\",1]", "4511-[\"a\"]", "45-1-[\"a\"]", "41{}", "40[]", "40\"x\"",
            "42/custom,[\"not joined\"]", "40", "451-[\"a\"," + P0 + "]" + RS + "42[\"text instead of binary\"]",
            "451-[\"a\",{\"_placeholder\":true,\"num\":1}]" + RS + "bAQ==", "bAQ=="})
    void malformedSocketIoPacketsCloseTheSessionOverPolling(String packets) {
        String sid = connectedSocketIoPolling();
        HttpResponse<String> response = sio.post(sid, packets);

        // The Engine.IO payload was fine: it is Socket.IO that closes, after the POST was taken.
        assertThat(response.statusCode()).isEqualTo(200);
        assertGone(sio, sid);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4abc", "42{}", "42abc[\"a\"]", "4511-[\"a\"]", "42[\"connect\"]", "42/custom,[\"x\"]",
            "40"})
    void malformedSocketIoPacketsCloseTheConnectionOverWebSocket(String packet) {
        try (RawWebSocket ws = openRawWebSocket("/socket.io/")) {
            ws.sendText("40");
            assertThat(ws.readTextSkippingPings()).startsWith("40{\"sid\":");
            assertThat(ws.readTextSkippingPings()).isEqualTo("42[\"auth\",{}]");
            ws.sendText(packet);
            assertClosedWith(ws, 1000);
        }
        await().until(() -> node.io().engine().sessionCount() == 0);
    }

    @Test
    void wrongAttachmentCountsOverWebSocket() {
        try (RawWebSocket ws = openRawWebSocket("/socket.io/")) {
            ws.sendText("40");
            ws.readTextSkippingPings();
            ws.readTextSkippingPings();
            ws.sendText("452-[\"message\"," + P0 + ",{\"_placeholder\":true,\"num\":1}]");
            ws.sendBinary(new byte[] {1});
            ws.sendText("42[\"too early\"]");
            assertClosedWith(ws, 1000);
        }
        try (RawWebSocket ws = openRawWebSocket("/socket.io/")) {
            ws.sendText("40");
            ws.readTextSkippingPings();
            ws.readTextSkippingPings();
            ws.sendBinary(new byte[] {1, 2});
            assertClosedWith(ws, 1000);
        }
        await().until(() -> node.io().engine().sessionCount() == 0);
    }

    @Test
    void noConnectWithinTheTimeoutClosesTheConnection() {
        try (RawWebSocket ws = openRawWebSocket("/socket.io/")) {
            assertClosedWith(ws, 1000);
        }
    }

    // ---- helpers ----

    private static Set<String> sessionIds() {
        return node.echo().sessions().stream().map(EngineSession::id).collect(Collectors.toSet());
    }

    private static RawWebSocket openRawWebSocket(String path) {
        RawWebSocket ws = RawWebSocket.connect(node.port(), path + "?EIO=4&transport=websocket");
        assertThat(ws.status()).isEqualTo(101);
        assertThat(ws.readText()).startsWith("0{\"sid\":");
        return ws;
    }

    /** The server ends the connection, after a close frame with that status (pings may come before it). */
    private static void assertClosedWith(RawWebSocket ws, int status) {
        List<RawWebSocket.Frame> frames = ws.readUntilClosed();
        List<RawWebSocket.Frame> closes = frames.stream().filter(f -> f.opcode() == RawWebSocket.CLOSE).toList();
        assertThat(closes).as("close frames in %s", frames).singleElement()
                .extracting(RawWebSocket.Frame::closeCode).isEqualTo(status);
        assertThat(frames.get(frames.size() - 1).opcode()).isEqualTo(RawWebSocket.CLOSE);
    }

    /** The session is closed: the next request learns it at once, perhaps after one last close packet. */
    private static void assertGone(Polling polling, String sid) {
        HttpResponse<String> next = polling.poll(sid);
        if (next.statusCode() == 200) {
            assertThat(next.body()).endsWith("1");
            next = polling.poll(sid);
        }
        assertThat(next.statusCode()).isEqualTo(400);
        assertThat(next.body()).isEqualTo(UNKNOWN_SID);
    }

    private static String connectedSocketIoPolling() {
        String sid = sio.handshake();
        assertThat(sio.post(sid, "40").body()).isEqualTo("ok");
        List<String> packets = sio.packets(sid, 2);
        assertThat(packets.get(0)).startsWith("40{\"sid\":");
        assertThat(packets.get(1)).isEqualTo("42[\"auth\",{}]");
        return sid;
    }

    private static void assertFreshEngineClientWorks() {
        String sid = engine.handshake();
        assertThat(engine.post(sid, "4ping?" + RS + "bAQID").statusCode()).isEqualTo(200);
        assertThat(engine.packets(sid, 2)).containsExactly("4ping?", "bAQID");
        assertThat(engine.post(sid, "1").statusCode()).isEqualTo(200);
    }

    private static void assertFreshSocketIoClientWorks() {
        String sid = connectedSocketIoPolling();
        assertThat(sio.post(sid, "451-[\"message\"," + P0 + "]" + RS + "bAQID").statusCode()).isEqualTo(200);
        assertThat(sio.packets(sid, 2)).containsExactly("451-[\"message-back\"," + P0 + "]", "bAQID");
        assertThat(sio.post(sid, "41" + RS + "1").statusCode()).isEqualTo(200);

        try (WsClient ws = WsClient.connect(sio.http(), sio.uri("EIO=4&transport=websocket"))) {
            assertThat(ws.nextText()).startsWith("0{");
            ws.send("40");
            assertThat(ws.nextTextSkippingPings()).startsWith("40{\"sid\":");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"auth\",{}]");
            ws.send("42[\"message-with-ack\",\"x\"]");
            ws.send("421[\"message-with-ack\",\"x\"]");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("431[\"x\"]");
        }
    }
}
