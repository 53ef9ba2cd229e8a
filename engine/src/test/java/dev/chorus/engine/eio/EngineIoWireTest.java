package dev.chorus.engine.eio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.engine.http.CorsOptions;
import dev.chorus.engine.testsupport.Polling;
import dev.chorus.engine.testsupport.RawWebSocket;
import dev.chorus.engine.testsupport.TestNode;
import dev.chorus.engine.testsupport.WsClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Engine.IO on the wire against a real server: socketio-wire.md §1, as the reference server answers. */
class EngineIoWireTest {
    private static final String RS = Polling.SEPARATOR;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestNode node;
    private static Polling polling;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        polling = node.enginePolling();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    // ---- handshake ----

    @Test
    void handshakeHasExactlyTheFiveKeys() throws Exception {
        HttpResponse<String> response = polling.send(polling.request("EIO=4&transport=polling&t=abc").GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=UTF-8");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(response.body()).startsWith("0{");
        JsonNode open = JSON.readTree(response.body().substring(1));
        List<String> keys = new ArrayList<>();
        open.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
        assertThat(open.get("sid").asText()).matches("[A-Za-z0-9_-]{20}");
        assertThat(open.get("upgrades")).isEqualTo(JSON.readTree("[\"websocket\"]"));
        assertThat(open.get("pingInterval").intValue()).isEqualTo(300);
        assertThat(open.get("pingTimeout").intValue()).isEqualTo(200);
        assertThat(open.get("maxPayload").intValue()).isEqualTo(1_000_000);
    }

    @Test
    void aWebSocketHandshakeOffersNoUpgrades() throws Exception {
        try (WsClient ws = WsClient.connect(polling.http(), polling.uri("EIO=4&transport=websocket"))) {
            String open = ws.nextText();
            assertThat(open).startsWith("0{");
            assertThat(JSON.readTree(open.substring(1)).get("upgrades")).isEqualTo(JSON.readTree("[]"));
            ws.send("4hello");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4hello");
            ws.send(new byte[] {1, 2, 3});
            assertThat(ws.nextBinary()).containsExactly(1, 2, 3);
        }
    }

    // ---- error replies ----

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "GET  | EIO=4&transport=foo                   | 0 | Transport unknown",
        "GET  | EIO=4                                 | 0 | Transport unknown",
        "GET  | EIO=4&transport=polling&sid=nope      | 1 | Session ID unknown",
        "POST | EIO=4&transport=polling&sid=nope      | 1 | Session ID unknown",
        "POST | EIO=4&transport=polling               | 2 | Bad handshake method",
        "PUT  | EIO=4&transport=polling               | 2 | Bad handshake method",
        "GET  | EIO=4&transport=websocket             | 3 | Bad request",
        "GET  | EIO=3&transport=polling               | 5 | Unsupported protocol version",
        "GET  | transport=polling                     | 5 | Unsupported protocol version",
    })
    void refusesWithTheReferenceErrors(String method, String query, int code, String message) {
        HttpResponse<String> response = polling.send(polling.request(query).header("Origin", "https://elsewhere")
                .method(method, HttpRequest.BodyPublishers.ofString(method.equals("GET") ? "" : "4x")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"code\":" + code + ",\"message\":\"" + message + "\"}");
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("*");
    }

    @Test
    void refusedWebSocketUpgradesGetABare400AndAClosedConnection() {
        try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/engine.io/?EIO=4&transport=websocket&sid=nope")) {
            assertThat(ws.status()).isEqualTo(400);
            assertThat(ws.body()).isEqualTo("Session ID unknown");
            assertThat(ws.readUntilClosed()).isEmpty();
        }
        try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/engine.io/?EIO=3&transport=websocket")) {
            assertThat(ws.status()).isEqualTo(400);
            assertThat(ws.body()).isEqualTo("Unsupported protocol version");
            assertThat(ws.readUntilClosed()).isEmpty();
        }
    }

    // ---- polling ----

    /**
     * A proxy that lost a request's answer on the way (the node it went through died) sends the same request again,
     * with the same {@code t}: a GET gets the same packets, a POST is not taken twice.
     */
    @Test
    void aPollingRequestSentAgainIsAnsweredAsTheFirstWas() {
        String sid = polling.handshake();
        HttpRequest.Builder postAgain = HttpRequest.newBuilder(polling.uri(
                "EIO=4&transport=polling&sid=" + sid + "&t=post1")).header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("4once"));
        assertThat(polling.send(postAgain).body()).isEqualTo("ok");
        assertThat(polling.send(postAgain).body()).as("answered, not echoed twice").isEqualTo("ok");

        HttpRequest.Builder get = HttpRequest.newBuilder(polling.uri("EIO=4&transport=polling&sid=" + sid + "&t=get1"))
                .GET();
        HttpResponse<String> first = polling.send(get);
        assertThat(first.body()).contains("4once");
        HttpResponse<String> again = polling.send(get);
        assertThat(again.body()).isEqualTo(first.body());

        polling.post(sid, "4next");
        assertThat(polling.send(HttpRequest.newBuilder(polling.uri(
                "EIO=4&transport=polling&sid=" + sid + "&t=get2")).GET()).body())
                .as("a new GET gets what is new, and the first echo only once").isEqualTo("4next");
    }

    @Test
    void echoesTextAndBinaryOverPolling() {
        String sid = polling.handshake();
        HttpResponse<String> post = polling.post(sid, "4hello" + RS + "bAQID" + RS + "4w\u00f6rld");
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).isEqualTo("ok");
        assertThat(post.headers().firstValue("content-type")).hasValue("text/html");

        assertThat(polling.packets(sid, 3)).containsExactly("4hello", "bAQID", "4w\u00f6rld");
    }

    @Test
    void aClientPingClosesTheSession() {
        String sid = polling.handshake();
        CompletableFuture<HttpResponse<String>> pending = polling.pollAsync(sid);
        awaitPendingPoll(sid);

        assertThat(polling.post(sid, "2").statusCode()).isEqualTo(200);

        assertThat(pending.join().body()).isEqualTo("1");
        assertUnknown(sid);
    }

    @Test
    void aSecondConcurrentPollClosesTheSession() {
        String sid = polling.handshake();
        CompletableFuture<HttpResponse<String>> first = polling.pollAsync(sid);
        awaitPendingPoll(sid);

        HttpResponse<String> second = polling.poll(sid);

        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(first.join().body()).isEqualTo("1");
        assertUnknown(sid);
    }

    @Test
    void aCloseWhileAPollWaitsReleasesItWithANoop() {
        String sid = polling.handshake();
        CompletableFuture<HttpResponse<String>> pending = polling.pollAsync(sid);
        awaitPendingPoll(sid);

        assertThat(polling.post(sid, "1").statusCode()).isEqualTo(200);

        assertThat(pending.join().body()).isEqualTo("6");
        assertUnknown(sid);
    }

    @Test
    void aDroppedPollConnectionClosesTheSession() {
        String sid = polling.handshake();
        try (RawWebSocket raw = RawWebSocket.raw(node.port(), ("GET /engine.io/?EIO=4&transport=polling&sid=" + sid
                + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), false)) {
            awaitPendingPoll(sid);
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> node.echo().session(sid) == null);
    }

    @Test
    void aBinaryContentTypeIsRefused() {
        String sid = polling.handshake();
        HttpResponse<String> response = polling.send(HttpRequest.newBuilder(polling.sessionUri(sid))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {4, 1})));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
        assertUnknown(sid);
    }

    @Test
    void anotherMethodOnASessionGets500() {
        String sid = polling.handshake();
        HttpResponse<String> response = polling.send(HttpRequest.newBuilder(polling.sessionUri(sid))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("4x")));
        assertThat(response.statusCode()).isEqualTo(500);
    }

    // ---- upgrade ----

    @Test
    void upgradesToWebSocketAndRefusesPollingAfterwards() {
        String sid = polling.handshake();
        CompletableFuture<HttpResponse<String>> pending = polling.pollAsync(sid);
        awaitPendingPoll(sid);

        try (WsClient ws = WsClient.connect(polling.http(), polling.uri("EIO=4&transport=websocket&sid=" + sid))) {
            ws.send("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            assertThat(pending.join().body()).isEqualTo("6");
            ws.send("5");
            await().until(() -> node.echo().session(sid).transportName() == TransportName.WEBSOCKET);

            HttpResponse<String> late = polling.poll(sid);
            assertThat(late.statusCode()).isEqualTo(400);
            assertThat(late.body()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");

            ws.send("4after upgrade");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4after upgrade");

            try (WsClient second = WsClient.connect(polling.http(),
                    polling.uri("EIO=4&transport=websocket&sid=" + sid))) {
                second.awaitClosed();
            }
            ws.send("4still here");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4still here");
        }
    }

    @Test
    void anythingButAProbeOrUpgradeAbandonsTheProbeNotTheSession() {
        String sid = polling.handshake();
        try (WsClient ws = WsClient.connect(polling.http(), polling.uri("EIO=4&transport=websocket&sid=" + sid))) {
            ws.send("4not now");
            ws.awaitClosed();
        }
        assertThat(polling.post(sid, "4still polling").statusCode()).isEqualTo(200);
        assertThat(polling.packets(sid, 1)).containsExactly("4still polling");
    }

    // ---- heartbeat ----

    @Test
    void pingsEveryIntervalAndClosesWithoutPong() {
        try (WsClient ws = WsClient.connect(polling.http(), polling.uri("EIO=4&transport=websocket"))) {
            String sid = Polling.sid(ws.nextText());
            for (int i = 0; i < 3; i++) {
                assertThat(ws.nextText()).isEqualTo("2");
                ws.send("3");
            }
            assertThat(ws.nextText()).isEqualTo("2");
            assertThat(ws.awaitClosed()).isEqualTo(1000);
            assertThat(node.echo().session(sid)).isNull();
        }
    }

    // ---- size limit ----

    @Test
    void anOversizedPostGets413AndTheSessionGoesOn() {
        try (TestNode small = TestNode.start(b -> b.maxHttpBufferSize(100))) {
            Polling client = small.enginePolling();
            String open = client.send(client.request("EIO=4&transport=polling").GET()).body();
            assertThat(open).contains("\"maxPayload\":100");
            String sid = Polling.sid(open);

            HttpResponse<String> tooLarge = client.post(sid, "4" + "x".repeat(100));
            assertThat(tooLarge.statusCode()).isEqualTo(413);

            assertThat(client.post(sid, "4" + "x".repeat(99)).statusCode()).isEqualTo(200);
            assertThat(client.packets(sid, 1)).containsExactly("4" + "x".repeat(99));
        }
    }

    // ---- CORS ----

    @Test
    void corsForAnyOrigin() {
        HttpResponse<String> response = polling.send(polling.request("EIO=4&transport=polling")
                .header("Origin", "https://front").GET());
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(response.headers().firstValue("access-control-allow-credentials")).isEmpty();
        assertThat(response.headers().allValues("vary")).noneSatisfy(v -> assertThat(v).containsIgnoringCase("origin"));
    }

    @Test
    void corsPreflight() {
        HttpResponse<String> response = polling.send(polling.request("EIO=4&transport=polling")
                .header("Origin", "https://front")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-token")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(response.headers().firstValue("access-control-allow-methods")).hasValue("GET,HEAD,PUT,PATCH,POST,DELETE");
        assertThat(response.headers().firstValue("access-control-allow-headers")).hasValue("content-type,x-token");
    }

    @Test
    void corsForAnExplicitOriginWithCredentials() {
        try (TestNode strict = TestNode.start(b -> b.cors(CorsOptions.of(List.of("https://front"), true)))) {
            Polling client = strict.enginePolling();
            HttpResponse<String> allowed = client.send(client.request("EIO=4&transport=polling")
                    .header("Origin", "https://front").GET());
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("https://front");
            assertThat(allowed.headers().firstValue("access-control-allow-credentials")).hasValue("true");
            // Header names are case-insensitive, in Vary too.
            assertThat(allowed.headers().allValues("vary")).anySatisfy(v -> assertThat(v).isEqualToIgnoringCase("Origin"));

            HttpResponse<String> error = client.send(client.request("EIO=4&transport=polling&sid=nope")
                    .header("Origin", "https://front").GET());
            assertThat(error.statusCode()).isEqualTo(400);
            assertThat(error.headers().firstValue("access-control-allow-origin")).hasValue("https://front");

            HttpResponse<String> preflight = client.send(client.request("EIO=4&transport=polling")
                    .header("Origin", "https://front")
                    .header("Access-Control-Request-Headers", "content-type")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("https://front");
            assertThat(preflight.headers().firstValue("access-control-allow-credentials")).hasValue("true");

            HttpResponse<String> other = client.send(client.request("EIO=4&transport=polling")
                    .header("Origin", "https://evil").GET());
            assertThat(other.statusCode()).as("a page of another origin opens no session").isEqualTo(403);
            assertThat(other.body()).isEqualTo("{\"code\":4,\"message\":\"Origin not allowed\"}");
            assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
        }
    }

    // ---- helpers ----

    private static void awaitPendingPoll(String sid) {
        await().atMost(Duration.ofSeconds(2)).until(() -> {
            EngineSession session = node.echo().session(sid);
            return session != null && session.canSendNow();
        });
    }

    private static void assertUnknown(String sid) {
        HttpResponse<String> response = polling.poll(sid);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    }
}
