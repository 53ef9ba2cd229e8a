package dev.chorus.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.NodeScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Three node processes in one Redis; clients of the official socket.io-client chat through a round-robin proxy
 * while one node is killed with SIGKILL. Its clients come back through the proxy on the live nodes, recovered, with
 * every message sent meanwhile: none lost, none twice, each room in order.
 */
class ClusterFailoverIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESULT_PREFIX = "FAILOVER-RESULT ";

    @TempDir
    Path dir;
    /** Closed after the nodes, which {@link #stop} closes. */
    @AutoClose
    private RedisServer redis;
    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(NodeProcess::close);
    }

    /**
     * {@code tcp} sends each connection to the next node; {@code http} each request (no affinity at all), which
     * polling clients survive only because any node serves any session.
     */
    @ParameterizedTest(name = "{0} proxy, transports {1}")
    @CsvSource({"tcp, websocket", "http, polling", "http, polling websocket"})
    void clientsOfAKilledNodeRecoverEveryMessageOnTheOthers(String proxy, String transports) throws Exception {
        redis = RedisServer.start();
        for (int i = 0; i < 3; i++) {
            nodes.add(NodeProcess.start(dir.resolve("node" + i), redis.url(),
                    "--message-rate", "100000", "--message-burst", "100000"));
        }
        NodeProcess victim = nodes.get(1);
        Map<String, Object> config = Map.of(
                "proxy", proxy,
                "transports", List.of(transports.split(" ")),
                "backends", nodes.stream().map(NodeProcess::port).toList(),
                "senderPort", nodes.get(0).port(),
                "victimPid", victim.pid(),
                "rooms", 3,
                "receivers", 30,
                "messagesPerRoom", 400,
                "killAfter", 400);

        JsonNode result = NodeScript.run(Path.of(System.getProperty("compat.node.dir")), Duration.ofSeconds(120),
                RESULT_PREFIX, Map.of(), "failover.js", JSON.writeValueAsString(config));

        assertThat(result.path("error").isNull()).as("script error: %s", result.path("error")).isTrue();
        assertThat(victim.isAlive()).isFalse();
        assertThat(result.path("messages").asInt()).isEqualTo(1200);
        assertThat(result.path("disconnectsBeforeKill").asInt()).as("no client lost its session before the kill")
                .isZero();
        assertThat(result.path("reconnected").asInt()).as("the victim's clients came back").isPositive();
        assertThat(result.path("notRecovered").asInt()).isZero();
        assertThat(result.path("recovered").asInt()).as("every reconnection recovered")
                .isEqualTo(result.path("reconnects").asInt());
        assertThat(result.path("unacked").asInt()).isZero();
        assertThat(result.path("lost").asInt()).isZero();
        assertThat(result.path("duplicated").asInt()).isZero();
        assertThat(result.path("outOfOrder").asInt()).isZero();

        // The survivors find the dead node within seconds and drop it from the cluster.
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> cluster = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + nodes.get(0).port() + "/cluster")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(cluster.body()).path("nodes")).hasSize(2);
        });
        System.out.println("failover through the " + proxy + " proxy, transports " + transports + ": " + result);
    }
}
