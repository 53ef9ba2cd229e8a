package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three nodes in one real Redis: one chat whichever node a user logs in or connects through. */
class ClusterChatIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "a-long-password";

    @TempDir
    static Path data;
    private static ChatCluster cluster;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final OkHttpClient okHttp = new OkHttpClient.Builder().readTimeout(1, TimeUnit.MINUTES).build();
    private final List<ChatClient> clients = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws InterruptedException {
        cluster = ChatCluster.start(data, 3);
    }

    @AfterAll
    static void stopCluster() {
        okHttp.dispatcher().executorService().shutdown();
        cluster.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ChatClient::close);
    }

    private static int port(int node) {
        return cluster.node(node).port();
    }

    private static String register(int node, String user) throws Exception {
        AuthApi.Reply reply = new AuthApi(http, port(node)).register(user, PASSWORD);
        assertThat(reply.status()).isEqualTo(201);
        return reply.session();
    }

    private ChatClient connect(int node, String session) throws Exception {
        ChatClient client = ChatClient.connect(okHttp, port(node), session).get(10, TimeUnit.SECONDS);
        clients.add(client);
        return client;
    }

    @Test
    void roomsPresenceAndHistoryAreTheSameFromEveryNode() throws Exception {
        // Logged in through node 0, chatting through nodes 1 and 2.
        ChatClient alice = connect(1, register(0, "alice"));
        ChatClient bob = connect(2, register(0, "bob"));

        assertThat(alice.call("join", Map.of("room", "lobby", "presence", true)).path("members").toString())
                .isEqualTo("[\"alice\"]");
        assertThat(bob.call("join", Map.of("room", "lobby", "presence", true)).path("members").toString())
                .as("members seen from another node").isEqualTo("[\"alice\",\"bob\"]");

        long id = bob.call("message", Map.of("room", "lobby", "text", "hello from node 2")).path("id").asLong();
        JsonNode received = alice.nextMessage();
        assertThat(received.path("id").asLong()).isEqualTo(id);
        assertThat(received.path("user").asText()).isEqualTo("bob");
        assertThat(received.path("text").asText()).isEqualTo("hello from node 2");
        assertThat(bob.nextMessage().path("id").asLong()).as("the sender's own node delivers it too").isEqualTo(id);

        ChatClient carol = connect(0, register(2, "carol"));
        JsonNode history = carol.call("history", Map.of("room", "lobby"));
        assertThat(history.path("messages").get(0).path("text").asText()).isEqualTo("hello from node 2");
        long second = alice.call("message", Map.of("room", "lobby", "text", "second")).path("id").asLong();
        assertThat(second).as("ids follow the room's order").isGreaterThan(id);
        JsonNode since = carol.call("history", Map.of("room", "lobby", "after", id));
        assertThat(since.path("messages")).hasSize(1);
        assertThat(since.path("messages").get(0).path("id").asLong()).isEqualTo(second);
        JsonNode rooms = carol.call("rooms", Map.of());
        assertThat(rooms.path("rooms")).hasSize(1);
        assertThat(rooms.path("rooms").get(0).path("name").asText()).isEqualTo("lobby");
        assertThat(rooms.path("rooms").get(0).path("members").asInt()).as("users, across the nodes").isEqualTo(2);
    }

    /** A client whose connection broke before the answer retries on another node: the message is sent once. */
    @Test
    void aMessageSentAgainWithItsClientIdIsSentOnce() throws Exception {
        String session = register(0, "frank");
        ChatClient first = connect(0, session);
        ChatClient retry = connect(2, session);
        ChatClient reader = connect(1, register(1, "grace"));
        first.call("join", Map.of("room", "once"));
        retry.call("join", Map.of("room", "once"));
        reader.call("join", Map.of("room", "once"));

        long id = first.call("message", Map.of("room", "once", "text", "just once", "clientId", "c-1"))
                .path("id").asLong();
        assertThat(retry.call("message", Map.of("room", "once", "text", "just once", "clientId", "c-1"))
                .path("id").asLong()).isEqualTo(id);
        long other = retry.call("message", Map.of("room", "once", "text", "another", "clientId", "c-2"))
                .path("id").asLong();

        assertThat(reader.nextMessage().path("id").asLong()).isEqualTo(id);
        assertThat(reader.nextMessage().path("id").asLong()).as("no second copy of the first").isEqualTo(other);
    }

    @Test
    void aLogoutOnOneNodeEndsTheSocketsOnAnother() throws Exception {
        String session = register(0, "dave");
        ChatClient socket = connect(1, session);
        assertThat(socket.connected()).isTrue();

        assertThat(new AuthApi(http, port(2)).logout(session).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> !socket.connected());
        assertThatThrownBy(() -> connect(0, session)).hasRootCauseInstanceOf(ChatClient.Refused.class)
                .rootCause().hasMessage("unauthorized");
    }

    @Test
    void theSixthConnectionOfAUserIsRefusedWhereverTheOthersAre() throws Exception {
        String session = register(0, "erin");
        for (int i = 0; i < 5; i++) {
            connect(i % 3, session);
        }
        try {
            ChatClient sixth = connect(2, session);
            await().atMost(Duration.ofSeconds(10)).until(() -> !sixth.connected());
        } catch (ExecutionException refused) {
            assertThat(refused).hasRootCauseInstanceOf(ChatClient.Refused.class)
                    .rootCause().hasMessage("too many connections");
        }
    }

    @Test
    void everyNodeListsTheClusterAndSetsItsRouteCookie() throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port(i) + "/cluster")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode listed = JSON.readTree(response.body()).path("nodes");
            assertThat(listed).hasSize(3);
            List<String> ids = new ArrayList<>();
            listed.forEach(node -> ids.add(node.path("id").asText()));
            assertThat(ids).containsExactlyInAnyOrder(cluster.node(0).nodeId(), cluster.node(1).nodeId(),
                    cluster.node(2).nodeId());
            assertThat(response.headers().allValues("Set-Cookie")).contains("chorus_route=route" + i + "; Path=/; HTTPOnly");
        }
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port(0) + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }
}
