package dev.chorus.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.testsupport.RedisServer;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code deploy/local-cluster.sh}: Redis, nodes and HAProxy for a try-out, gone again on Ctrl-C (or SIGTERM). */
class LocalClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void startsAClusterBehindHaproxyAndStopsItAll() throws Exception {
        Path root = Path.of(System.getProperty("chorus.root", ".."));
        int port = RedisServer.freePort();
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
                                URI.create("http://127.0.0.1:" + port + "/cluster")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertThat(JSON.readTree(nodes.body()).path("nodes")).hasSize(2);
                    });
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().allValues("set-cookie")).anySatisfy(c -> assertThat(c).startsWith("chorus_route=r"));
        } finally {
            cluster.destroy();
            assertThat(cluster.waitFor(60, TimeUnit.SECONDS)).as("the script stops").isTrue();
        }
        for (int i = 0; i <= 2; i++) {
            assertThat(listening(port + i)).as("port %s closed", port + i).isFalse();
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
