package dev.chorus.engine.sio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.testsupport.TestHttpServer;
import dev.chorus.engine.testsupport.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client asks for its socket back with the last offset it heard: its socket becomes recoverable, and its adapter
 * is told once, when the first offset goes out to it — not on connecting, not on a volatile event or an ack.
 */
class FirstOffsetTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<String> told = new CopyOnWriteArrayList<>();
    private SocketIoServer io;
    private TestHttpServer http;

    @BeforeEach
    void start() {
        RecoveryOptions recovery = RecoveryOptions.defaults();
        io = new SocketIoServer(SocketIoOptions.builder()
                .engine(EngineOptions.builder().path("/socket.io").build())
                .recovery(recovery)
                .adapterFactory(nsp -> new InMemoryAdapter(nsp, recovery, Clock.systemUTC()) {
                    @Override
                    public void firstOffsetSent(Socket socket) {
                        told.add(socket.id());
                    }
                })
                .build());
        io.sockets().onConnection(socket -> {
            socket.join("r");
            socket.on("ping-me", (s, args, ack) -> ack.send("pong"));
        });
        http = TestHttpServer.start(List.of(io.httpHandler()));
    }

    @AfterEach
    void stop() {
        io.close();
        http.close();
    }

    @Test
    void theAdapterHearsOfASocketsFirstOffsetOnce() throws Exception {
        WsClient client = WsClient.connect(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + http.port() + "/socket.io/?EIO=4&transport=websocket"));
        assertThat(client.nextText()).startsWith("0{");
        client.send("40");
        String sid = MAPPER.readTree(client.nextTextSkippingPings().substring(2)).get("sid").asText();
        Socket socket = io.sockets().socket(sid);

        io.sockets().to("r").asVolatile().emit("weather", "rain");
        assertThat(client.nextTextSkippingPings()).startsWith("42[\"weather\"");
        client.send("421[\"ping-me\"]");
        assertThat(client.nextTextSkippingPings()).startsWith("431[");
        assertThat(told).as("no offset sent yet").isEmpty();
        assertThat(socket.recoverable()).isFalse();

        io.sockets().to("r").emit("news", "one");
        io.sockets().to("r").emit("news", "two");
        assertThat(MAPPER.readTree(client.nextTextSkippingPings().substring(2)).size()).as("with its offset")
                .isEqualTo(3);
        assertThat(client.nextTextSkippingPings()).contains("two");
        Awaitility.await().untilAsserted(() -> assertThat(told).containsExactly(sid));
        assertThat(socket.recoverable()).isTrue();
        client.close();
    }
}
