package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.json.JSONObject;

/** A password-mode node on loopback for chat tests, with the HTTP and Socket.IO clients to talk to it. */
final class TestChatNode implements AutoCloseable {
    static final String PASSWORD = "right-password";

    private final Node node;
    private final OkHttpClient okHttp = new OkHttpClient.Builder().readTimeout(1, TimeUnit.MINUTES).build();
    private final HttpClient http = HttpClient.newHttpClient();

    private TestChatNode(Node node) {
        this.node = node;
    }

    static TestChatNode start(Path data, int maxConnectionsPerUser, double messagesPerSecond, int messageBurst)
            throws InterruptedException {
        return new TestChatNode(Node.start(TestNodes.settings(data)
                .with(Keys.MAX_CONNECTIONS_PER_USER, maxConnectionsPerUser)
                .with(Keys.MESSAGE_RATE, messagesPerSecond)
                .with(Keys.MESSAGE_BURST, messageBurst)));
    }

    int port() {
        return node.port();
    }

    /** Registers the user with {@link #PASSWORD}. @return the session cookie, {@code name=value} */
    String register(String user) throws Exception {
        HttpResponse<String> response = post("/register", user, PASSWORD, null);
        assertThat(response.statusCode()).isEqualTo(201);
        return response.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
    }

    HttpResponse<String> post(String path, String user, String password, String cookie) throws Exception {
        String body = new JSONObject().put("username", user).put("password", password).toString();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A WebSocket-only client carrying the cookie, not connected yet. */
    Socket socket(String cookie) {
        IO.Options options = IO.Options.builder()
                .setTransports(new String[] {"websocket"})
                .setForceNew(true)
                .setReconnection(false)
                .setExtraHeaders(Map.of("Cookie", List.of(cookie)))
                .build();
        options.callFactory = okHttp;
        options.webSocketFactory = okHttp;
        return IO.socket(URI.create("http://127.0.0.1:" + port()), options);
    }

    @Override
    public void close() {
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();
        node.close();
    }
}
