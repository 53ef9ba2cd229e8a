package dev.chorus.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.server.cluster.NodeProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web chat in headless Chromium through HAProxy ({@code deploy/haproxy/haproxy-sticky.cfg}) in front of three
 * node processes: the node one user is on is killed with SIGKILL mid-conversation; the banner shows reconnecting,
 * then reconnected, and the message sent meanwhile appears.
 */
class WebChatFailoverIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    @AutoClose
    private ProxiedCluster cluster;

    @Test
    void theBannerShowsReconnectingThenReconnectedAndNothingIsMissed() throws Exception {
        cluster = ProxiedCluster.start(dir, ProxyProcess.Kind.HAPROXY, "haproxy/haproxy-sticky.cfg",
                "--auth", "password");

        Path browserDir = Path.of(System.getProperty("web.browser.dir"));
        Path screenshots = Path.of(System.getProperty("web.screenshots.dir"));
        Path err = Files.createTempFile(dir, "browser", ".err");
        Process script = new ProcessBuilder("node", "webchat-failover.js", cluster.proxy().url(),
                screenshots.toString())
                .directory(browserDir.toFile())
                .redirectError(err.toFile())
                .start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(script.getInputStream(),
                StandardCharsets.UTF_8));
                Writer in = new OutputStreamWriter(script.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.append(line).append('\n');
                if (line.startsWith("WEBCHAT-KILL ")) {
                    nodeWithId(line.substring("WEBCHAT-KILL ".length())).kill();
                    in.write("KILLED\n");
                    in.flush();
                }
            }
        }
        boolean ended = script.waitFor(120, TimeUnit.SECONDS);
        String report = "\n--- stdout\n" + output + "\n--- stderr\n" + Files.readString(err);
        assertThat(ended).as("the browser script ended%s", report).isTrue();
        assertThat(script.exitValue()).as("the browser script's exit code%s", report).isZero();
        assertThat(output).as(report).contains("WEBCHAT-RESULT ");
        assertThat(screenshots.resolve("10-failover-reconnected.png")).isRegularFile();
    }

    /** The node process whose node id is this, as {@code GET /cluster} names it. */
    private NodeProcess nodeWithId(String id) throws Exception {
        HttpResponse<String> listing = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + cluster.nodes().get(0).port() + "/cluster")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode node : JSON.readTree(listing.body()).path("nodes")) {
            if (node.path("id").asText().equals(id)) {
                int port = Integer.parseInt(node.path("address").asText().replaceAll(".*:", ""));
                return cluster.nodes().stream().filter(n -> n.port() == port).findFirst().orElseThrow();
            }
        }
        throw new AssertionError("no node " + id + " in " + listing.body());
    }
}
