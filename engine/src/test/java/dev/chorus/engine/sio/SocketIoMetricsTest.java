package dev.chorus.engine.sio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.testsupport.TestHttpServer;
import dev.chorus.engine.testsupport.WsClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server's meters follow what happens on the wire. */
class SocketIoMetricsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<Socket> connected = new LinkedBlockingQueue<>();
    private SocketIoServer io;
    private TestHttpServer server;

    @BeforeEach
    void start() {
        io = new SocketIoServer(SocketIoOptions.builder()
                .engine(EngineOptions.builder().path("/socket.io").build())
                .recovery(RecoveryOptions.defaults())
                .meterRegistry(meters)
                .build());
        io.sockets().onConnection(socket -> {
            socket.join("r");
            connected.add(socket);
        });
        server = TestHttpServer.start(List.of(io.httpHandler()));
    }

    @AfterEach
    void stop() {
        io.close();
        server.close();
    }

    private WsClient open() {
        WsClient ws = WsClient.connect(http, server.uri("/socket.io/?EIO=4&transport=websocket"));
        assertThat(ws.nextText()).startsWith("0{");
        return ws;
    }

    private double count(String name, String... tags) {
        return meters.get(name).tags(tags).counter().count();
    }

    private double gauge(String name, String... tags) {
        return meters.get(name).tags(tags).gauge().value();
    }

    @Test
    void connectionsSocketsRoomsAndEventsAreCounted() throws Exception {
        try (WsClient ws = open()) {
            ws.send("40");
            assertThat(ws.nextTextSkippingPings()).startsWith("40{\"sid\"");
            connected.take();
            assertThat(gauge("chorus.connections", "transport", "websocket")).isEqualTo(1);
            assertThat(gauge("chorus.connections", "transport", "polling")).isZero();
            assertThat(gauge("chorus.sockets", "namespace", "/")).isEqualTo(1);
            assertThat(gauge("chorus.rooms", "namespace", "/")).as("r, not the socket's own room").isEqualTo(1);

            ws.send("42[\"hello\"]");
            await().untilAsserted(() -> assertThat(count("chorus.events.received")).isEqualTo(1));
            io.sockets().to("r").emit("news", "a");
            assertThat(ws.nextTextSkippingPings()).startsWith("42[\"news\",\"a\"");
            assertThat(count("chorus.events.sent")).isEqualTo(1);
        }
        await().untilAsserted(() -> assertThat(gauge("chorus.connections", "transport", "websocket")).isZero());
    }

    @Test
    void acksAreCountedAnsweredOrTimedOut() throws Exception {
        try (WsClient ws = open()) {
            ws.send("40");
            ws.nextTextSkippingPings();
            Socket socket = connected.take();

            CompletableFuture<EventArgs> answered = socket.emitWithAck(Duration.ofSeconds(5), "ask");
            String asked = ws.nextTextSkippingPings();
            assertThat(asked).matches("42\\d+\\[\"ask\"]");
            ws.send("43" + asked.substring(2, asked.indexOf('[')) + "[\"yes\"]");
            answered.get();
            assertThat(count("chorus.acks", "result", "answered")).isEqualTo(1);

            socket.emitWithAck(Duration.ofMillis(50), "ignored");
            await().untilAsserted(() -> assertThat(count("chorus.acks", "result", "timed_out")).isEqualTo(1));
        }
    }

    @Test
    void recoveriesAreCountedByOutcome() throws Exception {
        WsClient first = open();
        first.send("40");
        JsonNode ack = MAPPER.readTree(first.nextTextSkippingPings().substring(2));
        connected.take();
        io.sockets().to("r").emit("news", "missed soon");
        JsonNode event = MAPPER.readTree(first.nextTextSkippingPings().substring(2));
        String offset = event.get(event.size() - 1).asText();
        first.close();
        await().until(() -> io.engine().sessionCount() == 0);

        try (WsClient back = open(); WsClient stranger = open()) {
            back.send("40" + MAPPER.createObjectNode().put("pid", ack.get("pid").asText()).put("offset", offset));
            assertThat(back.nextTextSkippingPings()).contains(ack.get("sid").asText());
            assertThat(count("chorus.recoveries", "result", "recovered")).isEqualTo(1);

            stranger.send("40" + MAPPER.createObjectNode().put("pid", "no-such-session").put("offset", offset));
            assertThat(stranger.nextTextSkippingPings()).startsWith("40{\"sid\"");
            assertThat(count("chorus.recoveries", "result", "failed")).isEqualTo(1);
        }
    }
}
