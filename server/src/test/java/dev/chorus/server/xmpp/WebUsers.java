package dev.chorus.server.xmpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;

/** The web side of the XMPP tests: registering users over HTTP, and their Socket.IO clients. */
public final class WebUsers {
    public static final String PASSWORD = "right-password";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private WebUsers() {
    }

    /** Registers on the node at {@code port} with {@link #PASSWORD}. @return the session cookie */
    public static String register(int port, String user) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\""
                        + PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(201);
        return response.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
    }

    /** A WebSocket-only Socket.IO client of the node at {@code port}, logged in by the cookie, not connected yet. */
    static Socket socket(int port, String cookie) {
        return IO.socket(URI.create("http://127.0.0.1:" + port), IO.Options.builder()
                .setTransports(new String[] {"websocket"}).setForceNew(true).setReconnection(false)
                .setExtraHeaders(Map.of("Cookie", List.of(cookie))).build());
    }

    static void connect(Socket socket) {
        socket.connect();
        await().atMost(Duration.ofSeconds(10)).until(socket::connected);
    }

    /** Emits an event and waits for its answer, which must not be an error. */
    static JSONObject ack(Socket socket, String event, JSONObject request) throws Exception {
        CompletableFuture<JSONObject> answer = new CompletableFuture<>();
        socket.emit(event, new Object[] {request}, (Ack) args -> answer.complete((JSONObject) args[0]));
        JSONObject reply = answer.get(10, TimeUnit.SECONDS);
        assertThat(reply.has("error")).as("%s answered %s", event, reply).isFalse();
        return reply;
    }
}
