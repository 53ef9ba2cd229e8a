package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.chat.web.AuthMode;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.chat.AuthApi.Reply;
import dev.chorus.server.config.Keys;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat end to end on a real node: accounts and login sessions over HTTP, then rooms, messages and history over
 * Socket.IO with the Java client, and what a restart keeps.
 */
class ChatIT {
    private static final String PASSWORD = "correct horse";
    private static final int MAX_MESSAGE_BYTES = 1000;
    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(ChatClient.TIMEOUT_SECONDS);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpClient http;
    private static OkHttpClient okHttp;

    @TempDir
    Path dataDir;
    private Node node;
    private AuthApi api;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeAll
    static void clients() {
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        okHttp = new OkHttpClient.Builder().readTimeout(1, TimeUnit.MINUTES).build();
    }

    @AfterAll
    static void closeClients() {
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void registersLogsInAndTellsWhoIsLoggedIn() throws Exception {
        start(AuthMode.PASSWORD, IDLE);

        Reply registered = api.register("Alice", PASSWORD);
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.body().path("user").asText()).isEqualTo("Alice");
        assertThat(registered.session()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(registered.setCookie()).as("attribute names are case-insensitive")
                .containsIgnoringCase("HttpOnly").contains("SameSite=Lax", "Path=/").doesNotContain("Secure");

        assertThat(api.register("alice", "another password").status()).as("names are case-insensitive")
                .isEqualTo(409);
        assertThat(api.register("al", PASSWORD).status()).isEqualTo(400);
        assertThat(api.register("bob", "short").status()).isEqualTo(400);

        Reply wrongPassword = api.login("Alice", "wrong password", null);
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(wrongPassword.body().path("error").asText()).isNotEmpty();
        assertThat(wrongPassword.session()).isNull();
        assertThat(api.login("nobody", PASSWORD, null).status()).isEqualTo(401);

        Reply loggedIn = api.login("alice", PASSWORD, null);
        assertThat(loggedIn.status()).isEqualTo(200);
        assertThat(loggedIn.body().path("user").asText()).isEqualTo("Alice");

        for (String session : List.of(registered.session(), loggedIn.session())) {
            Reply me = api.me(session);
            assertThat(me.status()).isEqualTo(200);
            assertThat(me.body().path("user").asText()).isEqualTo("Alice");
        }
        assertThat(api.me(null).status()).isEqualTo(401);
        assertThat(api.me("not-a-session").status()).isEqualTo(401);
    }

    @Test
    void loginIssuesANewSessionAndEndsTheOneTheClientCameWith() throws Exception {
        start(AuthMode.PASSWORD, IDLE);
        String beforeLogin = api.register("alice", PASSWORD).session();

        Reply loggedIn = api.login("alice", PASSWORD, beforeLogin);

        assertThat(loggedIn.status()).isEqualTo(200);
        assertThat(loggedIn.session()).isNotNull().isNotEqualTo(beforeLogin);
        assertThat(api.me(loggedIn.session()).status()).isEqualTo(200);
        assertThat(api.me(beforeLogin).status()).isEqualTo(401);
        assertRefused(beforeLogin);

        String planted = "planted-by-an-attacker-0123456789abcdefgh";
        Reply withPlanted = api.login("alice", PASSWORD, planted);
        assertThat(withPlanted.session()).isNotEqualTo(planted);
        assertThat(api.me(planted).status()).isEqualTo(401);
        assertThat(api.me(withPlanted.session()).status()).isEqualTo(200);
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        start(AuthMode.PASSWORD, IDLE);
        String session = api.register("alice", PASSWORD).session();
        connect(session).close();

        Reply loggedOut = api.logout(session);

        assertThat(loggedOut.status()).isEqualTo(200);
        assertThat(loggedOut.session()).isEmpty();
        assertThat(loggedOut.setCookie()).contains("Max-Age=0");
        assertThat(api.me(session).status()).isEqualTo(401);
        assertRefused(session);
    }

    @Test
    void refusesSocketsWithoutALiveSession() throws Exception {
        start(AuthMode.PASSWORD, Duration.ofSeconds(2));
        String session = api.register("alice", PASSWORD).session();
        connect(session).close();

        assertRefused(null);
        assertRefused("not-a-session");
        assertRefused("x".repeat(500));

        Thread.sleep(2_500); // longer than the idle timeout, without a request that would touch the session
        assertRefused(session);
        assertThat(api.me(session).status()).as("idle for longer than the timeout").isEqualTo(401);
    }

    @Test
    void broadcastsMessagesToTheRoomUnderTheSessionsUser() throws Exception {
        start(AuthMode.PASSWORD, IDLE);
        ChatClient alice = connect(api.register("alice", PASSWORD).session());
        ChatClient bob = connect(api.register("bob", PASSWORD).session());
        ChatClient carol = connect(api.register("carol", PASSWORD).session());
        assertThat(alice.call("join", Map.of("room", "lobby")).path("ok").asBoolean()).isTrue();
        assertThat(bob.call("join", Map.of("room", "lobby")).path("ok").asBoolean()).isTrue();
        assertThat(carol.call("join", Map.of("room", "elsewhere")).path("ok").asBoolean()).isTrue();

        long before = System.currentTimeMillis();
        JsonNode ack = alice.call("message", Map.of("room", "lobby", "text", "hi bob", "user", "bob"));
        long first = ack.path("id").asLong();
        assertThat(first).as("the milliseconds of its storing").isBetween(before, System.currentTimeMillis());
        for (ChatClient member : List.of(alice, bob)) {
            JsonNode message = member.nextMessage();
            assertThat(message.path("id").asLong()).isEqualTo(first);
            assertThat(message.path("room").asText()).isEqualTo("lobby");
            assertThat(message.path("user").asText()).as("from the session, not the payload").isEqualTo("alice");
            assertThat(message.path("text").asText()).isEqualTo("hi bob");
            assertThat(message.path("ts").asLong()).isBetween(before, System.currentTimeMillis());
        }

        assertThat(bob.call("message", Map.of("room", "lobby", "text", "hi alice", "user", "alice")).path("id")
                .asLong()).isGreaterThan(first);
        for (ChatClient member : List.of(alice, bob)) {
            JsonNode message = member.nextMessage();
            assertThat(message.path("user").asText()).isEqualTo("bob");
            assertThat(message.path("text").asText()).isEqualTo("hi alice");
        }

        assertThat(carol.call("message", Map.of("room", "elsewhere", "text", "anyone?")).path("id").asLong())
                .isPositive();
        assertThat(carol.nextMessage().path("text").asText()).isEqualTo("anyone?");
        assertThat(carol.pendingMessages()).as("nothing from the lobby").isEmpty();
        assertThat(alice.pendingMessages()).as("nothing from elsewhere").isEmpty();
        assertThat(bob.pendingMessages()).isEmpty();
    }

    @Test
    void refusesMessagesToARoomNotJoined() throws Exception {
        start(AuthMode.PASSWORD, IDLE);
        ChatClient alice = connect(api.register("alice", PASSWORD).session());
        ChatClient bob = connect(api.register("bob", PASSWORD).session());
        bob.call("join", Map.of("room", "lobby"));

        assertThat(alice.call("message", Map.of("room", "lobby", "text", "let me in")).path("error").asText())
                .isNotEmpty();
        alice.call("join", Map.of("room", "lobby"));
        alice.call("leave", Map.of("room", "lobby"));
        assertThat(alice.call("message", Map.of("room", "lobby", "text", "still out")).path("error").asText())
                .as("after leaving").isNotEmpty();

        assertThat(bob.call("message", Map.of("room", "lobby", "text", "only me")).path("id").asLong()).isPositive();
        assertThat(bob.nextMessage().path("text").asText()).isEqualTo("only me");
        assertThat(bob.pendingMessages()).isEmpty();
        assertThat(texts(bob.call("history", Map.of("room", "lobby")))).containsExactly("only me");
    }

    @Test
    void refusesAnOversizeMessageAndKeepsTheSocket() throws Exception {
        start(AuthMode.PASSWORD, IDLE);
        ChatClient alice = connect(api.register("alice", PASSWORD).session());
        alice.call("join", Map.of("room", "lobby"));

        assertThat(alice.call("message", Map.of("room", "lobby", "text", "x".repeat(MAX_MESSAGE_BYTES + 1)))
                .path("error").asText()).contains("larger than " + MAX_MESSAGE_BYTES);
        assertThat(alice.call("message", Map.of("room", "lobby", "text", "é".repeat(MAX_MESSAGE_BYTES / 2 + 1)))
                .path("error").asText()).as("counted in UTF-8 bytes, not characters").isNotEmpty();
        assertThat(alice.call("message", Map.of("room", "lobby", "text", "")).path("error").asText()).isNotEmpty();

        assertThat(alice.connected()).isTrue();
        String largest = "é".repeat(MAX_MESSAGE_BYTES / 2);
        assertThat(alice.call("message", Map.of("room", "lobby", "text", largest)).path("id").asLong()).isPositive();
        assertThat(alice.nextMessage().path("text").asText()).isEqualTo(largest);
        assertThat(alice.pendingMessages()).as("nothing refused was broadcast").isEmpty();
    }

    @Test
    void pagesThroughHistoryOldestFirst() throws Exception {
        start(AuthMode.PASSWORD, IDLE);
        ChatClient alice = connect(api.register("alice", PASSWORD).session());
        alice.call("join", Map.of("room", "lobby"));
        for (int i = 1; i <= 7; i++) {
            alice.call("message", Map.of("room", "lobby", "text", "m" + i));
        }

        List<Long> all = ids(alice.call("history", Map.of("room", "lobby")));
        assertThat(all).hasSize(7).isSorted().doesNotHaveDuplicates();
        JsonNode newest = alice.call("history", Map.of("room", "lobby", "limit", 3));
        assertThat(newest.path("room").asText()).isEqualTo("lobby");
        assertThat(ids(newest)).isEqualTo(all.subList(4, 7));
        assertThat(texts(newest)).containsExactly("m5", "m6", "m7");
        assertThat(newest.path("messages").get(0).path("user").asText()).isEqualTo("alice");
        assertThat(ids(alice.call("history", Map.of("room", "lobby", "before", all.get(4), "limit", 3))))
                .isEqualTo(all.subList(1, 4));
        assertThat(ids(alice.call("history", Map.of("room", "lobby", "before", all.get(1), "limit", 3))))
                .containsExactly(all.get(0));
        assertThat(ids(alice.call("history", Map.of("room", "lobby", "before", all.get(0))))).isEmpty();
        assertThat(ids(alice.call("history", Map.of("room", "empty")))).isEmpty();
    }

    @Test
    void listsRoomsWithTheirMemberCounts() throws Exception {
        start(AuthMode.PASSWORD, IDLE);
        ChatClient alice = connect(api.register("alice", PASSWORD).session());
        ChatClient bob = connect(api.register("bob", PASSWORD).session());
        assertThat(rooms(bob)).isEmpty();
        alice.call("join", Map.of("room", "b-room"));
        alice.call("join", Map.of("room", "a-room"));
        bob.call("join", Map.of("room", "b-room"));

        assertThat(rooms(bob)).isEqualTo(Map.of("a-room", 1, "b-room", 2));
        assertThat(bob.call("rooms", Map.of()).path("rooms").get(0).path("name").asText()).as("sorted by name")
                .isEqualTo("a-room");
        bob.call("leave", Map.of("room", "b-room"));
        assertThat(rooms(bob)).isEqualTo(Map.of("a-room", 1, "b-room", 1));
        alice.close();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(rooms(bob)).isEmpty());
    }

    @Test
    void aRestartedNodeKeepsSessionsAndHistory() throws Exception {
        start(AuthMode.PASSWORD, IDLE);
        String session = api.register("alice", PASSWORD).session();
        ChatClient alice = connect(session);
        alice.call("join", Map.of("room", "lobby"));
        for (String text : List.of("one", "two", "three")) {
            alice.call("message", Map.of("room", "lobby", "text", text));
        }
        alice.close();

        restart(AuthMode.PASSWORD);

        assertThat(api.me(session).body().path("user").asText()).isEqualTo("alice");
        assertThat(api.login("alice", PASSWORD, null).status()).isEqualTo(200);
        ChatClient again = connect(session);
        JsonNode history = again.call("history", Map.of("room", "lobby"));
        assertThat(texts(history)).containsExactly("one", "two", "three");
        List<Long> ids = ids(history);
        again.call("join", Map.of("room", "lobby"));
        assertThat(again.call("message", Map.of("room", "lobby", "text", "four")).path("id").asLong())
                .as("ids go on after a restart").isGreaterThan(ids.get(2));
    }

    @Test
    void guestModeLogsInByNameButNotAsARegisteredUser() throws Exception {
        start(AuthMode.PASSWORD, IDLE);
        assertThat(api.register("alice", PASSWORD).status()).isEqualTo(201);
        restart(AuthMode.GUEST);

        Reply guest = api.guestLogin("bob");
        assertThat(guest.status()).isEqualTo(200);
        assertThat(guest.body().path("user").asText()).isEqualTo("bob");
        assertThat(api.me(guest.session()).body().path("user").asText()).isEqualTo("bob");
        ChatClient bob = connect(guest.session());
        bob.call("join", Map.of("room", "lobby"));
        bob.call("message", Map.of("room", "lobby", "text", "hello", "user", "alice"));
        assertThat(bob.nextMessage().path("user").asText()).isEqualTo("bob");

        for (String name : List.of("alice", "ALICE")) {
            Reply taken = api.guestLogin(name);
            assertThat(taken.status()).as(name).isEqualTo(401);
            assertThat(taken.body().path("error").asText()).isNotEmpty();
            assertThat(taken.session()).isNull();
        }
        assertThat(api.guestLogin("x").status()).as("names follow the rules").isEqualTo(401);
    }

    /**
     * Connection state recovery brings a socket back with its user and rooms: it must still go through the login
     * check, else a logged-out client could keep chatting for the whole recovery window.
     */
    @Test
    void aRecoveredSocketStillNeedsALiveSession() throws Exception {
        start(AuthMode.PASSWORD, IDLE);
        String session = api.register("alice", PASSWORD).session();

        Recoverable kept = cutAfterAMessage(session);
        RawSocketIo back = raw(session);
        back.send("40" + JSON.createObjectNode().put("pid", kept.pid()).put("offset", kept.offset()));
        String connected = back.next();
        assertThat(connected).as("recovered while logged in").startsWith("40{");
        assertThat(JSON.readTree(connected.substring(2)).path("sid").asText()).isEqualTo(kept.sid());

        Recoverable lost = cutAfterAMessage(session);
        assertThat(api.logout(session).status()).isEqualTo(200);
        RawSocketIo afterLogout = raw(session);
        afterLogout.send("40" + JSON.createObjectNode().put("pid", lost.pid()).put("offset", lost.offset()));
        assertThat(afterLogout.next()).isEqualTo("44{\"message\":\"unauthorized\"}");
    }

    private record Recoverable(String sid, String pid, String offset) {
    }

    /** Connects by hand, joins a room, gets a message there, then loses the connection. */
    private Recoverable cutAfterAMessage(String session) throws Exception {
        RawSocketIo socket = raw(session);
        socket.send("40");
        String connected = socket.next();
        assertThat(connected).startsWith("40{");
        JsonNode ids = JSON.readTree(connected.substring(2));
        socket.send("421[\"join\",{\"room\":\"lobby\"}]");
        String joined = socket.next();
        assertThat(joined).startsWith("431[");
        assertThat(JSON.readTree(joined.substring(3)).path(0).path("ok").asBoolean()).isTrue();
        socket.send("422[\"message\",{\"room\":\"lobby\",\"text\":\"hi\"}]");
        String offset = null;
        for (int i = 0; i < 2; i++) {
            String packet = socket.next();
            if (packet.startsWith("42[")) {
                offset = JSON.readTree(packet.substring(2)).path(2).asText();
            }
        }
        assertThat(offset).as("the broadcast carries its offset").isNotEmpty();
        socket.cut();
        String sid = ids.path("sid").asText();
        // The server keeps the socket's state once it sees the connection gone.
        await().atMost(TIMEOUT).until(() -> node.io().sockets().socket(sid) == null);
        return new Recoverable(sid, ids.path("pid").asText(), offset);
    }

    private void start(AuthMode mode, Duration idle) throws InterruptedException {
        node = Node.start(TestNodes.settings(dataDir)
                .with(Keys.AUTH, mode)
                .with(Keys.SESSION_IDLE, idle)
                .with(Keys.SESSION_MAX, Duration.ofHours(12))
                .with(Keys.MAX_MESSAGE_SIZE, MAX_MESSAGE_BYTES));
        api = new AuthApi(http, node.port());
    }

    private void restart(AuthMode mode) throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        clients.clear();
        node.close();
        node = null;
        start(mode, IDLE);
    }

    private ChatClient connect(String session) throws Exception {
        ChatClient client = ChatClient.connect(okHttp, node.port(), session)
                .get(ChatClient.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        clients.add(client);
        return client;
    }

    private RawSocketIo raw(String session) throws Exception {
        RawSocketIo socket = RawSocketIo.open(http, node.port(), session);
        clients.add(socket);
        return socket;
    }

    private void assertRefused(String session) {
        assertThatThrownBy(() -> connect(session))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(ChatClient.Refused.class)
                .hasMessage("unauthorized");
    }

    private static Map<String, Integer> rooms(ChatClient client) throws Exception {
        Map<String, Integer> rooms = new TreeMap<>();
        for (JsonNode room : client.call("rooms", Map.of()).path("rooms")) {
            rooms.put(room.path("name").asText(), room.path("members").asInt());
        }
        return rooms;
    }

    private static List<Long> ids(JsonNode history) {
        List<Long> ids = new ArrayList<>();
        history.path("messages").forEach(message -> ids.add(message.path("id").asLong()));
        return ids;
    }

    private static List<String> texts(JsonNode history) {
        List<String> texts = new ArrayList<>();
        history.path("messages").forEach(message -> texts.add(message.path("text").asText()));
        return texts;
    }
}
