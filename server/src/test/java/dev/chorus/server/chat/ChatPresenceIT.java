package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Presence, member lists, typing and direct messages between two users on a real node. */
class ChatPresenceIT {
    private static final long TIMEOUT_SECONDS = 10;

    @TempDir
    static Path data;
    @AutoClose
    private static TestChatNode node;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    static void start() throws InterruptedException {
        node = TestChatNode.start(data, 5, 50, 100);
    }

    @AfterEach
    void closeSockets() {
        sockets.forEach(Socket::close);
    }

    @Test
    void usersSeeEachOtherComeAndGoTypeAndWriteDirectly() throws Exception {
        Events alice = new Events();
        Events bob = new Events();
        Socket aliceSocket = connect(node.register("alice"), alice);
        Socket bobSocket = connect(node.register("bob"), bob);

        JSONObject aliceJoined = ack(aliceSocket, "join", new JSONObject().put("room", "lobby").put("presence", true));
        assertThat(aliceJoined.getJSONArray("members").toString()).isEqualTo("[\"alice\"]");
        JSONObject bobJoined = ack(bobSocket, "join", new JSONObject().put("room", "lobby"));
        assertThat(bobJoined.has("members")).as("bob does not watch who comes and goes").isFalse();
        JSONObject online = alice.next("presence");
        assertThat(online.getString("user")).isEqualTo("bob");
        assertThat(online.getString("status")).isEqualTo("online");
        assertThat(online.getString("room")).isEqualTo("lobby");
        Socket carolSocket = connect(node.register("carol"), new Events());
        ack(carolSocket, "join", new JSONObject().put("room", "lobby"));
        assertThat(alice.next("presence").getString("user")).isEqualTo("carol");
        assertThat(bob.queue("presence")).as("bob did not ask for presence events").isEmpty();
        assertThat(ack(bobSocket, "join", new JSONObject().put("room", "lobby").put("presence", true))
                .getJSONArray("members").toString()).as("asked for, when in the room already")
                .isEqualTo("[\"alice\",\"bob\",\"carol\"]");

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
        String cookie = node.register("leaving");
        Socket socket = connect(cookie, new Events());
        CompletableFuture<String> disconnected = new CompletableFuture<>();
        socket.on(Socket.EVENT_DISCONNECT, args -> disconnected.complete(String.valueOf(args[0])));

        HttpResponse<String> logout = node.post("/logout", "leaving", "", cookie);

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

        BlockingQueue<JSONObject> queue(String name) {
            return byName.computeIfAbsent(name, n -> new LinkedBlockingQueue<>());
        }
    }

    private Socket connect(String cookie, Events events) throws Exception {
        Socket socket = node.socket(cookie);
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
