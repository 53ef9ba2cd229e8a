package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.chat.web.AuthApiHandler.AuthMode;
import dev.chorus.server.Node;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chat's limits on a real node: connections per user, message rate, login throttling. */
class ChatLimitsIT {
    private static final long TIMEOUT_SECONDS = 10;
    private static final int MAX_CONNECTIONS = 2;

    @TempDir
    static Path data;
    private static Node node;
    private static OkHttpClient okHttp;
    private static final HttpClient http = HttpClient.newHttpClient();
    private final List<Socket> sockets = new ArrayList<>();
    private final Map<Socket, CompletableFuture<String>> outcomes = new HashMap<>();

    @BeforeAll
    static void start() throws InterruptedException {
        node = Node.start(new Node.Settings("127.0.0.1", 0, data, AuthMode.PASSWORD, "jsessionid", false,
                Duration.ofHours(1), Duration.ofHours(24), 100, 1000, MAX_CONNECTIONS, 1, 2, List.of(), false,
                Duration.ofMinutes(2)));
        okHttp = new OkHttpClient.Builder().readTimeout(1, TimeUnit.MINUTES).build();
    }

    @AfterAll
    static void stop() {
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();
        node.close();
    }

    @AfterEach
    void closeSockets() {
        sockets.forEach(Socket::close);
    }

    @Test
    void aUserGetsNoMoreConnectionsThanTheLimit() throws Exception {
        String cookie = register("limited");
        Socket first = connect(cookie);
        Socket second = connect(cookie);
        assertThat(connectOutcome(first)).isEqualTo("connected");
        assertThat(connectOutcome(second)).isEqualTo("connected");

        Socket third = connect(cookie);
        assertThat(connectOutcome(third)).isEqualTo("refused: too many connections");

        first.close();
        Socket fourth = connect(cookie);
        assertThat(connectOutcome(fourth)).as("a closed connection frees its place").isEqualTo("connected");
    }

    @Test
    void messagesBeyondTheRateGetAnErrorAndTheSocketStays() throws Exception {
        String cookie = register("chatty");
        Socket socket = connect(cookie);
        assertThat(connectOutcome(socket)).isEqualTo("connected");
        assertThat(ack(socket, "join", new JSONObject().put("room", "r")).getBoolean("ok")).isTrue();

        JSONObject message = new JSONObject().put("room", "r").put("text", "hi");
        assertThat(ack(socket, "message", message).has("id")).isTrue();
        assertThat(ack(socket, "message", message).has("id")).isTrue();
        JSONObject refused = ack(socket, "message", message);
        assertThat(refused.getString("error")).isEqualTo("rate limited");
        assertThat(refused.getLong("retryAfterMs")).isPositive();
        assertThat(socket.connected()).isTrue();
    }

    @Test
    void repeatedFailedLoginsAreThrottledEvenWithTheRightPassword() throws Exception {
        register("guarded");
        for (int i = 0; i < 5; i++) {
            assertThat(login("guarded", "wrong-password").statusCode()).isEqualTo(401);
        }
        HttpResponse<String> throttled = login("guarded", "right-password");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(new JSONObject(throttled.body()).getLong("retryAfterSeconds")).isPositive();
        assertThat(login("other-user", "whatever-pass").statusCode()).as("other accounts are not locked out")
                .isEqualTo(401);
    }

    private String register(String user) throws Exception {
        HttpResponse<String> response = post("/register", user, "right-password");
        assertThat(response.statusCode()).isEqualTo(201);
        return response.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
    }

    private HttpResponse<String> login(String user, String password) throws Exception {
        return post("/login", user, password);
    }

    private HttpResponse<String> post(String path, String user, String password) throws Exception {
        String body = new JSONObject().put("username", user).put("password", password).toString();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Socket connect(String cookie) {
        IO.Options options = IO.Options.builder()
                .setTransports(new String[] {"websocket"})
                .setForceNew(true)
                .setReconnection(false)
                .setExtraHeaders(Map.of("Cookie", List.of(cookie)))
                .build();
        options.callFactory = okHttp;
        options.webSocketFactory = okHttp;
        Socket socket = IO.socket(URI.create("http://127.0.0.1:" + node.port()), options);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        socket.on(Socket.EVENT_CONNECT, args -> outcome.complete("connected"));
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> outcome.complete(
                "refused: " + ((JSONObject) args[0]).optString("message")));
        outcomes.put(socket, outcome);
        socket.connect();
        sockets.add(socket);
        return socket;
    }

    private String connectOutcome(Socket socket) throws Exception {
        return outcomes.get(socket).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static JSONObject ack(Socket socket, String event, JSONObject payload) throws Exception {
        CompletableFuture<JSONObject> answer = new CompletableFuture<>();
        socket.emit(event, new Object[] {payload}, args -> answer.complete((JSONObject) args[0]));
        return answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
