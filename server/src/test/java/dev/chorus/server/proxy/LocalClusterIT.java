package dev.chorus.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.testsupport.RedisServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code deploy/local-cluster.sh}: Redis, nodes and HAProxy for a try-out, gone again on Ctrl-C (or SIGTERM). */
class LocalClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void startsAClusterBehindHaproxyAndStopsItAll() throws Exception {
        Path root = Path.of(System.getProperty("chorus.root", ".."));
        int port = freeBasePort();
        ProcessBuilder script = new ProcessBuilder("bash", root.resolve("deploy/local-cluster.sh").toString(),
                "--nodes", "2", "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // The build running this test has built the jars: the launcher must not start a build of its own.
        script.environment().put("CHORUS_NO_BUILD", "1");
        Process cluster = script.start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .untilAsserted(() -> {
                        HttpResponse<String> nodes = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + (port + 1) + "/cluster")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertThat(JSON.readTree(nodes.body()).path("nodes")).hasSize(2);
                        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
                    });
            for (String operations : List.of("/cluster", "/metrics", "/%6detrics")) {
                assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + operations))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                        .as("%s through the proxy", operations).isEqualTo(404);
            }
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().allValues("set-cookie")).anySatisfy(c -> assertThat(c).startsWith("chorus_route=r"));
            assertThat(listening(port + 100)).as("the proxy's port for XMPP streams").isTrue();
        } finally {
            cluster.destroy();
            assertThat(cluster.waitFor(60, TimeUnit.SECONDS)).as("the script stops").isTrue();
        }
        for (int i = 0; i <= 2; i++) {
            assertThat(listening(port + i)).as("port %s closed", port + i).isFalse();
            assertThat(listening(port + 100 + i)).as("port %s closed", port + 100 + i).isFalse();
        }
    }

    /**
     * A port for the proxy whose neighbours (the nodes, port + 1 and + 2; XMPP, port + 100 to + 102) and Redis
     * (port + 1000) are free too.
     */
    private static int freeBasePort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = RedisServer.freePort();
            if (port + 1000 < 65536 && free(port + 1) && free(port + 2) && free(port + 100) && free(port + 101)
                    && free(port + 102) && free(port + 1000)) {
                return port;
            }
        }
        throw new IOException("no free run of ports for the local cluster");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static boolean listening(int port) {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException closed) {
            return false;
        }
    }
}
