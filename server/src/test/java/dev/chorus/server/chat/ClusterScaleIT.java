package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.cluster.NodeProcess;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "A two dozen node cluster as easily as two nodes": 24 node processes with small heaps on this one machine find
 * each other through Redis; a message from a client on one reaches clients on all; stopping half leaves a healthy
 * cluster of the other half.
 */
class ClusterScaleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NODES = 24;

    @TempDir
    Path dir;

    @Test
    void twentyFourNodesFormOneClusterAndTwelveCarryOn() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        OkHttpClient okHttp = new OkHttpClient.Builder().readTimeout(1, TimeUnit.MINUTES).build();
        List<NodeProcess> nodes = new ArrayList<>();
        List<ChatClient> clients = new ArrayList<>();
        ExecutorService starter = Executors.newFixedThreadPool(4);
        List<Future<NodeProcess>> starting = new ArrayList<>();
        try (RedisServer redis = RedisServer.start()) {
            for (int i = 0; i < NODES; i++) {
                Path nodeDir = dir.resolve("node" + i);
                // The killed node's user does not come back: no presence grace to wait through.
                starting.add(starter.submit(() -> NodeProcess.startWithHeap("64m", nodeDir, redis.url(),
                        "--presence-grace", "0")));
            }
            for (Future<NodeProcess> node : starting) {
                nodes.add(node.get(3, TimeUnit.MINUTES));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> clusterSize(http, nodes.get(0)) == NODES);

            for (int i = 0; i < NODES; i++) {
                int port = nodes.get(i).port();
                ChatClient client = ChatClient.connect(okHttp, port,
                        new AuthApi(http, port).guestLogin("user" + i).session()).get(20, TimeUnit.SECONDS);
                client.call("join", Map.of("room", "everyone"));
                clients.add(client);
            }
            long id = clients.get(NODES - 1).call("message", Map.of("room", "everyone", "text", "hello all"))
                    .path("id").asLong();
            for (ChatClient client : clients) {
                assertThat(client.nextMessage().path("id").asLong()).isEqualTo(id);
            }

            for (int i = NODES / 2; i < NODES; i++) {
                clients.get(i).close();
                nodes.get(i).close();
            }
            List<NodeProcess> remaining = nodes.subList(0, NODES / 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> clusterSize(http, remaining.get(0)) == NODES / 2);
            for (NodeProcess node : remaining) {
                assertThat(status(http, node, "/health/ready")).isEqualTo(200);
            }
            long again = clients.get(0).call("message", Map.of("room", "everyone", "text", "still here"))
                    .path("id").asLong();
            for (ChatClient client : clients.subList(0, NODES / 2)) {
                assertThat(client.nextMessage().path("id").asLong()).isEqualTo(again);
            }
            JsonNode rooms = clients.get(0).call("rooms", Map.of());
            assertThat(rooms.path("rooms").get(0).path("members").asInt()).as("presence of the stopped half is gone")
                    .isEqualTo(NODES / 2);

            // One more dies without a goodbye: the survivors find out within 5 s and drop its presence.
            NodeProcess killed = remaining.get(remaining.size() - 1);
            killed.kill();
            long killedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> clusterSize(http, remaining.get(0)) == NODES / 2 - 1);
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).as("declared dead").isLessThan(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(clients.get(0).call("rooms", Map.of())
                    .path("rooms").get(0).path("members").asInt()).isEqualTo(NODES / 2 - 1));
        } finally {
            clients.forEach(ChatClient::close);
            closeStarted(starter, starting);
            okHttp.dispatcher().executorService().shutdown();
        }
    }

    /** Every node that started, those the test had not taken yet too (one failed to start): none left running. */
    private static void closeStarted(ExecutorService starter, List<Future<NodeProcess>> starting)
            throws InterruptedException {
        starter.shutdown();
        starter.awaitTermination(3, TimeUnit.MINUTES);
        for (Future<NodeProcess> node : starting) {
            try {
                node.get().close();
            } catch (ExecutionException notStarted) {
                // Nothing runs.
            }
        }
    }

    static int clusterSize(HttpClient http, NodeProcess node) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.port() + "/cluster")).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).path("nodes").size();
    }

    private static int status(HttpClient http, NodeProcess node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
