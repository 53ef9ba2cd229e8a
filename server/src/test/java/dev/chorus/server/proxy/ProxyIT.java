package dev.chorus.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The configurations in {@code deploy/} on the real nginx, HAProxy and Apache httpd, in front of three node
 * processes: 200 official clients (half WebSocket only, half polling only) chat through the proxy while a node is
 * killed, or while every node is restarted in turn.
 */
class ProxyIT {

    @TempDir
    Path dir;
    @AutoClose
    private ProxiedCluster cluster;

    private void startCluster(ProxyProcess.Kind kind, String config) throws Exception {
        cluster = ProxiedCluster.start(dir, kind, config, "--message-rate", "100000", "--message-burst", "100000",
                "--drain-rate", "200");
    }

    private Map<String, Object> traffic(int receivers) {
        Map<String, Object> config = new HashMap<>();
        config.put("proxyUrl", cluster.proxy().url());
        config.put("backends", cluster.ports());
        config.put("transports", "mixed");
        config.put("rooms", 4);
        config.put("receivers", receivers);
        config.put("receiverRooms", "one");
        return config;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"NGINX, nginx/nginx-sticky.conf", "NGINX, nginx/nginx-round-robin.conf",
            "HAPROXY, haproxy/haproxy-sticky.cfg", "HAPROXY, haproxy/haproxy-round-robin.cfg"})
    void aKilledNodesClientsComeBackThroughTheProxyWithEveryMessage(ProxyProcess.Kind kind, String config)
            throws Exception {
        startCluster(kind, config);
        assertOperationsEndpointsBlocked();
        Map<String, Object> traffic = traffic(200);
        traffic.put("senderPort", cluster.nodes().get(0).port());
        traffic.put("messagesPerRoom", 250);
        traffic.put("killAfter", 400);
        traffic.put("victimPid", cluster.nodes().get(1).pid());

        JsonNode result = run(traffic, null);
        System.out.println("kill -9 behind " + config + ": " + result);

        assertThat(cluster.nodes().get(1).isAlive()).isFalse();
        assertThat(result.path("messages").asInt()).isEqualTo(1000);
        assertThat(result.path("unacked").asInt()).isZero();
        assertThat(result.path("disconnectsBeforeKill").asInt()).as("%s", result).isZero();
        assertThat(result.path("reconnected").asInt()).as("the victim's clients came back").isPositive();
        assertThat(result.path("notRecovered").asInt()).isZero();
        assertThat(result.path("lost").asInt()).isZero();
        assertThat(result.path("duplicated").asInt()).isZero();
        assertThat(result.path("outOfOrder").asInt()).isZero();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"HAPROXY, haproxy/haproxy-sticky.cfg", "NGINX, nginx/nginx-round-robin.conf"})
    void aRollingRestartUnderTrafficLosesNothing(ProxyProcess.Kind kind, String config) throws Exception {
        startCluster(kind, config);
        Map<String, Object> traffic = traffic(200);
        traffic.put("messagesPerRoom", 100_000);
        traffic.put("untilDone", true);

        JsonNode result = run(traffic, this::restartEveryNode);
        System.out.println("rolling restart behind " + config + ": " + result);

        assertThat(result.path("error").isNull()).as("script error: %s", result.path("error")).isTrue();
        assertThat(result.path("messages").asInt()).isPositive();
        assertThat(result.path("reconnected").asInt()).as("every client was handed over at least once")
                .isEqualTo(200);
        assertThat(result.path("notRecovered").asInt()).isZero();
        assertThat(result.path("unacked").asInt()).as("every message answered, retried when needed").isZero();
        // A reconnection attempt may fail on the way (a node that stopped in between) and be tried again; the
        // server never refuses a client.
        result.path("disconnectReasons").fieldNames().forEachRemaining(reason -> {
            if (reason.startsWith("connect_error")) {
                assertThat(reason).matches("connect_error: (xhr poll error|xhr post error|websocket error).*");
            }
        });
        assertThat(result.path("lost").asInt()).isZero();
        assertThat(result.path("duplicated").asInt()).isZero();
        assertThat(result.path("outOfOrder").asInt()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"apache/chorus-sticky.conf", "apache/chorus-round-robin.conf"})
    void apacheCarriesLoginWebSocketAndPolling(String config) throws Exception {
        startCluster(ProxyProcess.Kind.APACHE, config);
        assertOperationsEndpointsBlocked();
        Map<String, Object> traffic = traffic(20);
        traffic.put("messagesPerRoom", 50);

        JsonNode result = run(traffic, null);
        System.out.println("behind " + config + ": " + result);

        assertThat(result.path("error").isNull()).as("script error: %s", result.path("error")).isTrue();
        assertThat(result.path("messages").asInt()).isEqualTo(200);
        assertThat(result.path("disconnectsBeforeKill").asInt()).isZero();
        assertThat(result.path("lost").asInt()).isZero();
        assertThat(result.path("duplicated").asInt()).isZero();
    }

    /**
     * The shipped file keeps {@code /metrics} and {@code /cluster} from the outside, however the path is spelled. The
     * proxy answers these itself: no request reaches a node, so the round robin that spreads the clients afterwards
     * starts where it would have.
     */
    private void assertOperationsEndpointsBlocked() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/metrics", "/cluster", "/%6detrics", "/metrics?x=1")) {
            int status = http.send(HttpRequest.newBuilder(URI.create(cluster.proxy().url() + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(status).as("%s through the proxy", path).isIn(403, 404);
        }
    }

    /** SIGTERM each node in turn (it drains), start it again, next one. */
    private void restartEveryNode() {
        try {
            for (int i = 0; i < cluster.nodes().size(); i++) {
                cluster.nodes().get(i).terminate(Duration.ofSeconds(40));
                cluster.nodes().set(i, cluster.nodes().get(i).restart());
                Thread.sleep(2000);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs failover.js; with {@code whileRunning}, runs it once the clients are in, then tells the script DONE. */
    private JsonNode run(Map<String, Object> config, Runnable whileRunning) throws Exception {
        return NodeScript.run("failover.js", "FAILOVER", config, whileRunning == null ? null : in -> {
            whileRunning.run();
            in.write("DONE\n");
        }, Duration.ofSeconds(180));
    }
}
