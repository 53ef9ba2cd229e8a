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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Presence, member lists, typing and direct messages between two users on a real node. */
class ChatPresenceIT {
    private static final long TIMEOUT_SECONDS = 10;

    @TempDir
    static Path data;
    private static Node node;
    private static OkHttpClient okHttp;
    private static final HttpClient http = HttpClient.newHttpClient();
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    static void start() throws InterruptedException {
        node = Node.start(new Node.Settings("127.0.0.1", 0, data, AuthMode.PASSWORD, "jsessionid", false,
                Duration.ofHours(1), Duration.ofHours(24), 100, 65536, 5, 50, 100, List.of(), false,
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
    void usersSeeEachOtherComeAndGoTypeAndWriteDirectly() throws Exception {
        Events alice = new Events();
        Events bob = new Events();
        Socket aliceSocket = connect(register("alice"), alice);
        Socket bobSocket = connect(register("bob"), bob);

        JSONObject aliceJoined = ack(aliceSocket, "join", new JSONObject().put("room", "lobby"));
        assertThat(aliceJoined.getJSONArray("members").toString()).isEqualTo("[\"alice\"]");
        JSONObject bobJoined = ack(bobSocket, "join", new JSONObject().put("room", "lobby"));
        assertThat(bobJoined.getJSONArray("members").toString()).isEqualTo("[\"alice\",\"bob\"]");
        JSONObject online = alice.next("presence");
        assertThat(online.getString("user")).isEqualTo("bob");
        assertThat(online.getString("status")).isEqualTo("online");
        assertThat(online.getString("room")).isEqualTo("lobby");

        bobSocket.emit("typing", new JSONObject().put("room", "lobby"));
        JSONObject typing = alice.next("typing");
        assertThat(typing.getString("user")).isEqualTo("bob");

        JSONObject sent = ack(bobSocket, "dm", new JSONObject().put("to", "alice").put("text", "psst"));
        assertThat(sent.has("id")).isTrue();
        for (Events side : List.of(alice, bob)) {
            JSONObject dm = side.next("dm");
            assertThat(dm.getString("from")).isEqualTo("bob");
            assertThat(dm.getString("to")).isEqualTo("alice");
            assertThat(dm.getString("text")).isEqualTo("psst");
        }
        JSONObject history = ack(aliceSocket, "dm-history", new JSONObject().put("with", "bob"));
        assertThat(history.getJSONArray("messages").getJSONObject(0).getString("text")).isEqualTo("psst");

        JSONObject refused = ack(bobSocket, "join", new JSONObject().put("room", "@alice,bob"));
        assertThat(refused.getString("error")).contains("may not start with @");

        bobSocket.close();
        JSONObject offline = alice.next("presence");
        assertThat(offline.getString("user")).isEqualTo("bob");
        assertThat(offline.getString("status")).isEqualTo("offline");
    }

    @Test
    void aLogoutDisconnectsTheSocketsOfThatSession() throws Exception {
        String cookie = register("leaving");
        Socket socket = connect(cookie, new Events());
        CompletableFuture<String> disconnected = new CompletableFuture<>();
        socket.on(Socket.EVENT_DISCONNECT, args -> disconnected.complete(String.valueOf(args[0])));

        HttpResponse<String> logout = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.port() + "/logout")).header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(disconnected.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("io server disconnect");
    }

    /** What one client received, by event name, in order. */
    private static final class Events {
        private final Map<String, BlockingQueue<JSONObject>> byName = new ConcurrentHashMap<>();

        void listen(Socket socket, String... names) {
            for (String name : names) {
                socket.on(name, args -> queue(name).add((JSONObject) args[0]));
            }
        }

        JSONObject next(String name) throws InterruptedException {
            JSONObject event = queue(name).poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(event).as("a %s event", name).isNotNull();
            return event;
        }

        private BlockingQueue<JSONObject> queue(String name) {
            return byName.computeIfAbsent(name, n -> new LinkedBlockingQueue<>());
        }
    }

    private String register(String user) throws Exception {
        String body = new JSONObject().put("username", user).put("password", "right-password").toString();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.port() + "/register"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(201);
        return response.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
    }

    private Socket connect(String cookie, Events events) throws Exception {
        IO.Options options = IO.Options.builder()
                .setTransports(new String[] {"websocket"})
                .setForceNew(true)
                .setReconnection(false)
                .setExtraHeaders(Map.of("Cookie", List.of(cookie)))
                .build();
        options.callFactory = okHttp;
        options.webSocketFactory = okHttp;
        Socket socket = IO.socket(URI.create("http://127.0.0.1:" + node.port()), options);
        events.listen(socket, "presence", "typing", "dm");
        CompletableFuture<Boolean> connected = new CompletableFuture<>();
        socket.on(Socket.EVENT_CONNECT, args -> connected.complete(true));
        socket.connect();
        sockets.add(socket);
        assertThat(connected.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        return socket;
    }

    private static JSONObject ack(Socket socket, String event, JSONObject payload) throws Exception {
        CompletableFuture<JSONObject> answer = new CompletableFuture<>();
        socket.emit(event, new Object[] {payload}, args -> answer.complete((JSONObject) args[0]));
        return answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
