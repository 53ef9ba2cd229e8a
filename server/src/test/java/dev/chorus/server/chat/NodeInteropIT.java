package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.chat.web.AuthMode;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import dev.chorus.server.config.Settings;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chorus and the Node ecosystem in one Redis: {@code @socket.io/redis-emitter} reaches Chorus users, and a Node
 * Socket.IO server with {@code @socket.io/redis-streams-adapter} shares broadcasts both ways and sees Chorus sockets
 * in {@code fetchSockets()}.
 */
class NodeInteropIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 15;

    @TempDir
    static Path data;
    private static RedisServer redis;
    private static Node chorus;
    private static Process peer;
    private static BufferedReader peerOut;
    private static Writer peerIn;
    private static int peerPort;
    private static final OkHttpClient okHttp = new OkHttpClient.Builder().readTimeout(1, TimeUnit.MINUTES).build();

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        chorus = Node.start(chorusSettings(data.resolve("chorus")));
        peer = new ProcessBuilder("node", "interop.js", "peer", Integer.toString(redis.port()))
                .directory(nodeDir().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        peerOut = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        peerIn = new java.io.OutputStreamWriter(peer.getOutputStream(), StandardCharsets.UTF_8);
        peerPort = Integer.parseInt(readLine("PEER-READY "));
    }

    @AfterAll
    static void stop() throws Exception {
        if (peer != null) {
            peer.destroy();
            peer.waitFor(10, TimeUnit.SECONDS);
        }
        if (chorus != null) {
            chorus.close();
        }
        okHttp.dispatcher().executorService().shutdown();
        redis.close();
    }

    private static Settings chorusSettings(Path dir) {
        return TestNodes.settings(dir)
                .with(Keys.AUTH, AuthMode.GUEST)
                .with(Keys.REDIS, redis.url());
    }

    private static Path nodeDir() {
        return Path.of(System.getProperty("compat.node.dir"));
    }

    private static String readLine(String prefix) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String read = peerOut.readLine(); read != null; read = peerOut.readLine()) {
                    if (read.startsWith(prefix)) {
                        return read.substring(prefix.length());
                    }
                }
                throw new IllegalStateException("the Node peer exited");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return line.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static JsonNode ask(Map<String, Object> command) throws Exception {
        peerIn.write(JSON.writeValueAsString(command) + "\n");
        peerIn.flush();
        return JSON.readTree(readLine("PEER-REPLY "));
    }

    private static ChatClient chorusUserIn(String user, String room) throws Exception {
        return chorusUserIn(chorus, user, room);
    }

    private static ChatClient chorusUserIn(Node node, String user, String room) throws Exception {
        String session = new AuthApi(HttpClient.newHttpClient(), node.port()).guestLogin(user).session();
        ChatClient client = ChatClient.connect(okHttp, node.port(), session).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(client.call("join", Map.of("room", room)).path("ok").asBoolean()).isTrue();
        return client;
    }

    /** A client of the Node peer, in a room from the start. */
    private static NodePeerClient nodeClientIn(String room) throws Exception {
        IO.Options options = IO.Options.builder().setTransports(new String[] {"websocket"}).setForceNew(true)
                .setReconnection(false).setQuery("room=" + room).build();
        options.callFactory = okHttp;
        options.webSocketFactory = okHttp;
        Socket socket = IO.socket(URI.create("http://127.0.0.1:" + peerPort), options);
        NodePeerClient client = new NodePeerClient(socket);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
        socket.connect();
        connected.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return client;
    }

    private record NodePeerClient(Socket socket, BlockingQueue<JsonNode> messages) {
        NodePeerClient(Socket socket) {
            this(socket, new LinkedBlockingQueue<>());
            socket.on("message", args -> {
                try {
                    messages.add(JSON.readTree(args[0].toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        JsonNode next() throws InterruptedException {
            JsonNode message = messages.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(message).as("a message within %s s", TIMEOUT_SECONDS).isNotNull();
            return message;
        }
    }

    /** Chat room {@code news} is the Socket.IO room {@code news}: the emitter names it as the chat does. */
    @Test
    void theRedisEmitterReachesAChatRoomByItsNameOnEveryNode() throws Exception {
        try (Node second = Node.start(chorusSettings(data.resolve("second")))) {
            ChatClient alice = chorusUserIn("alice", "news");
            ChatClient erin = chorusUserIn(second, "erin", "news");
            try {
                Process emit = new ProcessBuilder("node", "interop.js", "emit", Integer.toString(redis.port()),
                        "news", "{\"id\":1,\"room\":\"news\",\"user\":\"emitter\",\"text\":\"from node\",\"ts\":0}")
                        .directory(nodeDir().toFile()).inheritIO().start();
                assertThat(emit.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
                assertThat(emit.exitValue()).isZero();

                for (ChatClient member : List.of(alice, erin)) {
                    JsonNode received = member.nextMessage();
                    assertThat(received.path("user").asText()).isEqualTo("emitter");
                    assertThat(received.path("text").asText()).isEqualTo("from node");
                }
            } finally {
                alice.close();
                erin.close();
            }
        }
    }

    @Test
    void broadcastsCrossBetweenChorusAndANodeServerBothWays() throws Exception {
        ChatClient bob = chorusUserIn("bob", "mixed");
        NodePeerClient nodeUser = nodeClientIn("mixed");
        try {
            long id = bob.call("message", Map.of("room", "mixed", "text", "from chorus")).path("id").asLong();
            JsonNode atNode = nodeUser.next();
            assertThat(atNode.path("id").asLong()).isEqualTo(id);
            assertThat(atNode.path("text").asText()).isEqualTo("from chorus");
            assertThat(bob.nextMessage().path("id").asLong()).isEqualTo(id);

            ask(Map.of("emit", "mixed", "payload", Map.of("id", 7, "room", "mixed", "user", "node",
                    "text", "from the node server", "ts", 0)));
            assertThat(bob.nextMessage().path("text").asText()).isEqualTo("from the node server");
            assertThat(nodeUser.next().path("text").asText()).isEqualTo("from the node server");
        } finally {
            bob.close();
            nodeUser.socket().close();
        }
    }

    @Test
    void chorusAnswersEveryRequestOfANodePeer() throws Exception {
        chorus.io().sockets().onServerSideEmit("whoami", (args, ack) -> ack.send("chorus"));
        assertThat(ask(Map.of("serverSideEmitWithAck", "whoami")).path("answers").toString())
                .isEqualTo("[\"chorus\"]");
        assertThat(ask(Map.of("serverSideEmitWithAck", "nobody-listens")).path("answers").toString())
                .as("answered, not left to time out").isEqualTo("[null]");

        ChatClient dave = chorusUserIn("dave", "acks");
        dave.on("ping-all", args -> ((io.socket.client.Ack) args[args.length - 1]).call("pong from dave"));
        try {
            JsonNode acked = ask(Map.of("emitWithAck", "acks", "event", "ping-all"));
            assertThat(acked.path("answers").toString()).isEqualTo("[\"pong from dave\"]");

            ask(Map.of("socketsJoin", "acks", "rooms", List.of("extra")));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(ask(Map.of("fetch", "extra")).toString()).contains(dave.id()));

            ask(Map.of("disconnect", "extra"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !dave.connected());
        } finally {
            dave.close();
        }
    }

    /** Chorus's own requests go through the stream and pub/sub in the format Node's adapter reads. */
    @Test
    void aNodePeerFollowsChorusRequests() throws Exception {
        NodePeerClient nodeUser = nodeClientIn("requests");
        try {
            chorus.io().sockets().in("requests").socketsJoin("joined");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(ask(Map.of("fetch", "joined")).toString()).contains(nodeUser.socket().id()));

            chorus.io().sockets().in("joined").socketsLeave("requests");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(ask(Map.of("fetch", "requests")).toString())
                            .doesNotContain(nodeUser.socket().id()));

            chorus.io().sockets().serverSideEmit("chorus-says", "hello", 2);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(ask(Map.of("heard", true)).path("heard").toString()).isEqualTo("[[\"hello\",2]]"));

            chorus.io().sockets().in("joined").disconnectSockets(true);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> !nodeUser.socket().connected());
        } finally {
            nodeUser.socket().close();
        }
    }

    @Test
    void fetchSocketsOnTheNodeSideListsChorusSockets() throws Exception {
        ChatClient carol = chorusUserIn("carol", "fetch");
        NodePeerClient nodeUser = nodeClientIn("fetch");
        try {
            JsonNode sockets = ask(Map.of("fetch", "fetch"));
            assertThat(sockets).hasSize(2);
            List<String> ids = List.of(sockets.get(0).path("id").asText(), sockets.get(1).path("id").asText());
            assertThat(ids).contains(carol.id(), nodeUser.socket().id());
            JsonNode chorusSocket = sockets.get(ids.indexOf(carol.id()));
            assertThat(chorusSocket.path("data").path("user").asText()).isEqualTo("carol");
            assertThat(chorusSocket.path("rooms").toString()).contains("\"fetch\"");
        } finally {
            carol.close();
            nodeUser.socket().close();
        }
    }
}
