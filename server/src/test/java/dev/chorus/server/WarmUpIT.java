package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.cluster.NodeProcess;
import dev.chorus.server.config.Settings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Before it serves, a node exercises a private copy of itself; nothing of that reaches any store. */
class WarmUpIT {
    @TempDir
    Path dir;

    @Test
    void thePrivateNodeIsTalkedToInRoomsAndLeavesNoFolderBehind() throws Exception {
        List<Path> before = warmUpFolders();

        WarmUp.Report report = WarmUp.run(Settings.defaults(), Duration.ofSeconds(1));

        assertThat(report.connections()).as("a round at least").isGreaterThanOrEqualTo(100);
        assertThat(report.messages()).isEqualTo(report.connections() * 20);
        // Each message reaches its sender and the room's others who had joined by then (five to a room).
        assertThat(report.delivered()).isBetween(report.messages(), report.messages() * 5);
        // Each socket lost its connection once it had talked, and came back on a new one with its session.
        assertThat(report.recovered()).isGreaterThan(report.connections() / 2);
        assertThat(warmUpFolders()).as("its store's folder deleted").containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void aClusterNodeWarmsUpBeforeItServesAndTheClusterHoldsNothingOfIt() throws Exception {
        try (RedisServer redis = RedisServer.start();
                NodeProcess node = NodeProcess.start(dir, redis.url(), "--warm-up", "2")) {
            // The node logs its warm-up just after it starts listening, which is when start() returns.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(node.output()).containsPattern(
                    "warmed up in \\d+ ms before serving, on a private node: "
                            + "\\d+ connections, \\d+ messages, \\d+ deliveries, [1-9]\\d* sessions recovered"));

            HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.port() + "/login")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"after\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as("it serves").isEqualTo(200);

            RedisClient client = RedisClient.create(redis.url());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertThat(connection.sync().keys("*")).as("the cluster's data").isNotEmpty()
                        .noneMatch(key -> key.contains("warm-up"));
            } finally {
                client.shutdown();
            }
        }
    }

    private static List<Path> warmUpFolders() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(path -> path.getFileName().toString().startsWith("chorus-warm-up")).toList();
        }
    }
}
