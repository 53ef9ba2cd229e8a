package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.chat.web.AuthMode;
import dev.chorus.server.Main;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin view of a two-node cluster: only for admins, and what it does reaches every node. */
class AdminIT {
    private static final String PASSWORD = "a-long-password";

    @TempDir
    static Path data;
    private static ChatCluster cluster;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final OkHttpClient okHttp = new OkHttpClient.Builder().readTimeout(1, TimeUnit.MINUTES).build();
    private static String admin;
    private final List<ChatClient> clients = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ChatCluster.start(data, 2);
        admin = register(0, "alice");
        assertThat(Main.commandLine().execute("user", "admin", "alice", "--redis", cluster.redis().url())).isZero();
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

    private static String register(int node, String user) throws Exception {
        AuthApi.Reply reply = new AuthApi(http, cluster.node(node).port()).register(user, PASSWORD);
        assertThat(reply.status()).isEqualTo(201);
        return reply.session();
    }

    private ChatClient connect(int node, String session) throws Exception {
        ChatClient client = ChatClient.connect(okHttp, cluster.node(node).port(), session).get(10, TimeUnit.SECONDS);
        clients.add(client);
        return client;
    }

    private static AuthApi api(int node) {
        return new AuthApi(http, cluster.node(node).port());
    }

    private static int status(int node, String path, String session) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(node).port()
                + path));
        if (session != null) {
            request.header("Cookie", AuthApi.COOKIE + "=" + session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void everyoneButAnAdminFindsNothingThere() throws Exception {
        String bob = register(1, "bob-plain");
        for (String session : new String[] {null, bob, "no-such-session"}) {
            assertThat(status(0, "/admin", session)).isEqualTo(404);
            assertThat(status(0, "/admin/admin.js", session)).isEqualTo(404);
            assertThat(status(1, "/admin/api/overview", session)).isEqualTo(404);
            assertThat(api(1).post("/admin/api/kick", Map.of("user", "alice"), session).status()).isEqualTo(404);
        }
        assertThat(status(0, "/admin", admin)).isEqualTo(200);
        assertThat(status(1, "/admin/admin.js", admin)).isEqualTo(200);

        assertThat(Main.commandLine().execute("user", "admin", "bob-plain", "--redis", cluster.redis().url())).isZero();
        assertThat(status(1, "/admin/api/overview", bob)).as("an admin from the next request on").isEqualTo(200);
        assertThat(Main.commandLine().execute("user", "admin", "bob-plain", "--revoke", "--redis", cluster.redis().url()))
                .isZero();
        assertThat(status(1, "/admin/api/overview", bob)).isEqualTo(404);
        assertThat(Main.commandLine().execute("user", "admin", "nobody", "--redis", cluster.redis().url())).isEqualTo(1);
    }

    @Test
    void theOverviewShowsEveryNodeItsConnectionsTheRoomsAndWhoIsOnline() throws Exception {
        ChatClient carol = connect(0, register(0, "carol"));
        ChatClient dave = connect(1, register(1, "dave"));
        carol.call("join", Map.of("room", "overview"));
        dave.call("join", Map.of("room", "overview"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode overview = api(1).get("/admin/api/overview", admin).body();
            assertThat(overview.path("nodes")).hasSize(2);
            for (JsonNode node : overview.path("nodes")) {
                assertThat(node.path("load").path("connections").path("websocket").asInt())
                        .as("node %s", node.path("id")).isGreaterThanOrEqualTo(1);
            }
            assertThat(overview.path("nodes").findValues("self")).extracting(JsonNode::asBoolean)
                    .containsExactlyInAnyOrder(true, false);
            assertThat(overview.path("online").findValuesAsText("user")).contains("carol", "dave");
            JsonNode room = findRoom(overview, "overview");
            assertThat(room).isNotNull();
            assertThat(room.path("members").toString()).contains("carol", "dave");
        });
    }

    @Test
    void aKickOnOneNodeEndsTheUsersSocketsOnTheOtherAndTheirSessions() throws Exception {
        String erin = register(1, "erin");
        ChatClient onOtherNode = connect(1, erin);
        ChatClient alsoHere = connect(0, erin);

        AuthApi.Reply reply = api(0).post("/admin/api/kick", Map.of("user", "erin"), admin);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().path("sessionsEnded").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !onOtherNode.connected() && !alsoHere.connected());
        assertThat(api(1).me(erin).status()).as("the session ended").isEqualTo(401);
        CompletableFuture<ChatClient> again = ChatClient.connect(okHttp, cluster.node(1).port(), erin);
        assertThatThrownBy(() -> again.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ChatClient.Refused.class).hasMessageContaining("unauthorized");
    }

    @Test
    void closingARoomTakesEveryoneOutOnEveryNode() throws Exception {
        ChatClient frank = connect(0, register(0, "frank"));
        ChatClient grace = connect(1, register(1, "grace"));
        CompletableFuture<String> frankTold = new CompletableFuture<>();
        CompletableFuture<String> graceTold = new CompletableFuture<>();
        frank.on("room-closed", args -> frankTold.complete(args[0].toString()));
        grace.on("room-closed", args -> graceTold.complete(args[0].toString()));
        frank.call("join", Map.of("room", "doomed"));
        grace.call("join", Map.of("room", "doomed"));

        AuthApi.Reply reply = api(0).post("/admin/api/close-room", Map.of("room", "doomed"), admin);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(frankTold.get(10, TimeUnit.SECONDS)).contains("doomed");
        assertThat(graceTold.get(10, TimeUnit.SECONDS)).contains("doomed");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(findRoom(api(1).get("/admin/api/overview", admin).body(), "doomed")).isNull());
        ChatClient henry = connect(0, register(0, "henry"));
        henry.call("join", Map.of("room", "doomed"));
        henry.call("message", Map.of("room", "doomed", "text", "anyone?"));
        assertThat(henry.nextMessage().path("text").asText()).isEqualTo("anyone?");
        assertThat(frank.pendingMessages()).as("out of the room").isEmpty();
        assertThat(grace.pendingMessages()).isEmpty();
    }

    @Test
    void changesComeOnlyAsJsonFromThisOrigin() throws Exception {
        HttpResponse<String> crossSite = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + cluster.node(0).port() + "/admin/api/kick"))
                .header("Cookie", AuthApi.COOKIE + "=" + admin)
                .header("Content-Type", "application/json")
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"carol\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(crossSite.statusCode()).isEqualTo(403);
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + cluster.node(0).port() + "/admin/api/close-room"))
                .header("Cookie", AuthApi.COOKIE + "=" + admin)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("room=lobby")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(403);
        assertThat(api(0).post("/admin/api/close-room", Map.of("room", ""), admin).status()).isEqualTo(400);
        assertThat(api(0).post("/admin/api/kick", Map.of("nobody", "x"), admin).status()).isEqualTo(400);
        assertThat(api(0).get("/admin/api/kick", admin).status()).isEqualTo(405);
    }

    @Test
    void inGuestModeThereIsNoAdminView() throws Exception {
        try (Node guests = Node.start(TestNodes.settings(data.resolve("guests"))
                .with(Keys.AUTH, AuthMode.GUEST))) {
            AuthApi api = new AuthApi(http, guests.port());
            String alice = api.guestLogin("alice").session();
            assertThat(api.get("/admin/api/overview", alice).status()).as("anyone can be alice here").isEqualTo(404);
            JsonNode cluster = api.get("/cluster", null).body();
            assertThat(cluster.path("nodes")).as("a node alone lists itself").hasSize(1);
            assertThat(cluster.path("nodes").get(0).path("self").asBoolean()).isTrue();
        }
    }

    private static JsonNode findRoom(JsonNode overview, String name) {
        for (JsonNode room : overview.path("rooms")) {
            if (room.path("name").asText().equals(name)) {
                return room;
            }
        }
        return null;
    }
}
