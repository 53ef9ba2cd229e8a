package dev.chorus.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.cluster.NodeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy that sends each request to the next of three nodes over connections it keeps alive and uses again (as
 * nginx's upstream keepalive and HAProxy's http-reuse do): logins, session checks, polls and upgrades of official
 * clients, round after round, never meet a connection a node closed without saying so or reset.
 */
class KeepAliveProxyIT {
    private static final int ROUNDS = 6;
    private static final int CLIENTS = 12;

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

    @Test
    void noRequestMeetsAClosedOrResetConnection() throws Exception {
        redis = RedisServer.start();
        for (int i = 0; i < 3; i++) {
            nodes.add(NodeProcess.start(dir.resolve("node" + i), redis.url()));
        }
        JsonNode result = NodeScript.run("keepalive.js", "KEEPALIVE", Map.of(
                "backends", nodes.stream().map(NodeProcess::port).toList(),
                "rounds", ROUNDS,
                "clients", CLIENTS), null, Duration.ofSeconds(120));
        System.out.println("through a keep-alive proxy: " + result);

        assertThat(result.path("error").isMissingNode()).as("script error: %s", result.path("error")).isTrue();
        assertThat(result.path("proxy").path("errors").size()).as("upstream errors: %s",
                result.path("proxy").path("errors")).isZero();
        assertThat(result.path("failures").size()).as("what clients met: %s", result.path("failures")).isZero();
        assertThat(result.path("connected").asInt()).isEqualTo(ROUNDS * CLIENTS);
        assertThat(result.path("proxy").path("reused").asInt()).as("connections were used again")
                .isGreaterThan(ROUNDS * CLIENTS);
    }
}
