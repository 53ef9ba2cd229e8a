package dev.chorus.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java client {@code io.socket:socket.io-client} 2.1.2 over one transport at a time. */
class JavaClientCompatIT {
    private static final long TIMEOUT_SECONDS = 5;

    private static CompatServer server;
    private static OkHttpClient okHttp;
    private Socket socket;

    @BeforeAll
    static void start() throws InterruptedException {
        server = CompatServer.start();
        okHttp = new OkHttpClient.Builder().readTimeout(1, TimeUnit.MINUTES).build();
    }

    @AfterAll
    static void stop() {
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();
        server.close();
    }

    @AfterEach
    void disconnect() {
        if (socket != null) {
            socket.close();
        }
    }

    @ParameterizedTest(name = "{0} only")
    @ValueSource(strings = {"websocket", "polling"})
    void emitsWithAckAndReceivesEvents(String transport) throws Exception {
        IO.Options options = IO.Options.builder()
                .setTransports(new String[] {transport})
                .setForceNew(true)
                .setReconnection(false)
                .setAuth(Map.of("user", "java"))
                .build();
        options.callFactory = okHttp;
        options.webSocketFactory = okHttp;
        socket = IO.socket(URI.create("http://127.0.0.1:" + server.port()), options);
        CompletableFuture<JSONObject> welcome = new CompletableFuture<>();
        CompletableFuture<Object[]> echoEvent = new CompletableFuture<>();
        CompletableFuture<JSONObject> askResult = new CompletableFuture<>();
        socket.on("welcome", args -> welcome.complete((JSONObject) args[0]));
        socket.on("echo-event", echoEvent::complete);
        socket.on("ask-result", args -> askResult.complete((JSONObject) args[0]));
        socket.on("question", args -> ((Ack) args[args.length - 1]).call(args[0], "from java"));
        socket.connect();

        JSONObject welcomed = welcome.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(welcomed.getString("id")).isEqualTo(socket.id());
        assertThat(welcomed.getString("transport")).isEqualTo(transport);
        assertThat(welcomed.getJSONObject("auth").getString("user")).isEqualTo("java");

        CompletableFuture<Object[]> ack = new CompletableFuture<>();
        socket.emit("echo", new Object[] {"hi", 42, new JSONObject().put("k", "v"), new byte[] {1, 2, 3}},
                ack::complete);
        Object[] acked = ack.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(acked).hasSize(4);
        assertThat(acked[0]).isEqualTo("hi");
        assertThat(acked[1]).isEqualTo(42);
        assertThat(((JSONObject) acked[2]).getString("k")).isEqualTo("v");
        assertThat((byte[]) acked[3]).containsExactly(1, 2, 3);

        socket.emit("echo-event", "event", new byte[] {4, 5});
        Object[] echoed = echoEvent.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(echoed[0]).isEqualTo("event");
        assertThat((byte[]) echoed[1]).containsExactly(4, 5);

        socket.emit("ask", new JSONObject().put("event", "question").put("args", new JSONArray().put(7)));
        JSONObject asked = askResult.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(asked.getBoolean("ok")).as("server emitWithAck answered by the Java client").isTrue();
        assertThat(asked.getJSONArray("args").toString()).isEqualTo("[7,\"from java\"]");
    }
}
