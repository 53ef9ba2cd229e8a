package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chat's limits on a real node: connections per user, message rate, login throttling. */
class ChatLimitsIT {
    private static final long TIMEOUT_SECONDS = 10;
    private static final int MAX_CONNECTIONS = 2;

    @TempDir
    static Path data;
    @AutoClose
    private static TestChatNode node;
    private final List<Socket> sockets = new ArrayList<>();
    private final Map<Socket, CompletableFuture<String>> outcomes = new HashMap<>();

    @BeforeAll
    static void start() throws InterruptedException {
        node = TestChatNode.start(data, MAX_CONNECTIONS, 1, 2);
    }

    @AfterEach
    void closeSockets() {
        sockets.forEach(Socket::close);
    }

    @Test
    void aUserGetsNoMoreConnectionsThanTheLimit() throws Exception {
        String cookie = node.register("limited");
        Socket first = connect(cookie);
        Socket second = connect(cookie);
        assertThat(connectOutcome(first)).isEqualTo("connected");
        assertThat(connectOutcome(second)).isEqualTo("connected");

        Socket third = connect(cookie);
        assertThat(connectOutcome(third)).isEqualTo("refused: too many connections");

        CompletableFuture<Boolean> gone = new CompletableFuture<>();
        first.on(Socket.EVENT_DISCONNECT, args -> gone.complete(true));
        first.close();
        gone.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        // The server learns of the close a moment after the client: the place is free once it has.
        String fourth = "";
        for (int attempt = 0; attempt < 50 && !fourth.equals("connected"); attempt++) {
            Thread.sleep(attempt == 0 ? 0 : 20);
            fourth = connectOutcome(connect(cookie));
        }
        assertThat(fourth).as("a closed connection frees its place").isEqualTo("connected");
    }

    @Test
    void messagesBeyondTheRateGetAnErrorAndTheSocketStays() throws Exception {
        String cookie = node.register("chatty");
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
        node.register("guarded");
        for (int i = 0; i < 5; i++) {
            assertThat(login("guarded", "wrong-password").statusCode()).isEqualTo(401);
        }
        HttpResponse<String> throttled = login("guarded", TestChatNode.PASSWORD);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(new JSONObject(throttled.body()).getLong("retryAfterSeconds")).isPositive();
        assertThat(login("other-user", "whatever-pass").statusCode()).as("other accounts are not locked out")
                .isEqualTo(401);
    }

    private HttpResponse<String> login(String user, String password) throws Exception {
        return node.post("/login", user, password, null);
    }

    private Socket connect(String cookie) {
        Socket socket = node.socket(cookie);
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
