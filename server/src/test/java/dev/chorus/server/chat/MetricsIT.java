package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.server.Node;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of two nodes in one Redis while chat messages flow: the text parses with a Prometheus parser
 * of its own (parse-prometheus-text-format, run by Node), and the counters move with the traffic.
 */
class MetricsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "a-long-password";

    @TempDir
    static Path data;
    private static ChatCluster cluster;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final OkHttpClient okHttp = new OkHttpClient.Builder().readTimeout(1, TimeUnit.MINUTES).build();

    @BeforeAll
    static void startCluster() throws InterruptedException {
        cluster = ChatCluster.start(data, 2);
    }

    @AfterAll
    static void stopCluster() {
        okHttp.dispatcher().executorService().shutdown();
        cluster.close();
    }

    /** The scrape, parsed: each sample's value by its name and labels, e.g. {@code chorus_acks_total{result=answered}}. */
    private static Map<String, Double> scrape(int node) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + cluster.node(node).port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        Map<String, Double> samples = new HashMap<>();
        for (JsonNode sample : parse(response.body())) {
            List<String> labels = new ArrayList<>();
            sample.path("labels").fields().forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
            labels.sort(null);
            samples.put(sample.path("name").asText() + (labels.isEmpty() ? "" : "{" + String.join(",", labels) + "}"),
                    sample.path("value").asDouble());
        }
        return samples;
    }

    /** Debian's Python, where python3-prometheus-client is installed (scripts/install-test-deps). */
    private static JsonNode parse(String text) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("chorus.root", "..")).resolve("server/src/test/prometheus/parse_metrics.py");
        Process parser = new ProcessBuilder("/usr/bin/python3", script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        parser.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        parser.getOutputStream().close();
        byte[] out = parser.getInputStream().readAllBytes();
        assertThat(parser.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(parser.exitValue()).as("the scrape parses as Prometheus text").isZero();
        return JSON.readTree(out);
    }

    @Test
    void countersMoveWhenMessagesFlowAcrossNodes() throws Exception {
        Map<String, Double> before0 = scrape(0);
        Map<String, Double> before1 = scrape(1);
        assertThat(before0).containsKeys("chorus_connections{transport=websocket}",
                "chorus_eventloop_lag_seconds_count{loop=0}", "chorus_redis_up", "process_files_open_files");
        assertThat(before0.keySet()).anyMatch(key -> key.startsWith("jvm_memory_used_bytes{area=heap,"));

        String alice = new AuthApi(http, cluster.node(0).port()).register("alice", PASSWORD).session();
        String bob = new AuthApi(http, cluster.node(1).port()).register("bob", PASSWORD).session();
        try (ChatClient a = ChatClient.connect(okHttp, cluster.node(0).port(), alice).get(10, TimeUnit.SECONDS);
                ChatClient b = ChatClient.connect(okHttp, cluster.node(1).port(), bob).get(10, TimeUnit.SECONDS)) {
            a.call("join", Map.of("room", "ops"));
            b.call("join", Map.of("room", "ops"));
            for (int i = 0; i < 5; i++) {
                a.call("message", Map.of("room", "ops", "text", "hello " + i));
            }
            for (int i = 0; i < 5; i++) {
                assertThat(b.nextMessage().path("text").asText()).isEqualTo("hello " + i);
            }

            Map<String, Double> during0 = scrape(0);
            Map<String, Double> during1 = scrape(1);
            assertThat(during0.get("chorus_connections{transport=websocket}")).isEqualTo(1.0);
            assertThat(during0.get("chorus_sockets{namespace=/}")).isEqualTo(1.0);
            // Bob's socket is in "ops" and in his own user channel (where his direct messages go).
            assertThat(during1.get("chorus_rooms{namespace=/}")).isEqualTo(2.0);
            // Alice's join and 5 messages arrive at node 0; each message reaches bob through node 1.
            assertThat(during0.get("chorus_events_received_total") - before0.get("chorus_events_received_total"))
                    .isEqualTo(6.0);
            assertThat(during1.get("chorus_events_sent_total") - before1.get("chorus_events_sent_total"))
                    .isGreaterThanOrEqualTo(5.0);
            assertThat(during1.get("chorus_broadcast_latency_seconds_count")
                    - before1.getOrDefault("chorus_broadcast_latency_seconds_count", 0.0)).isGreaterThanOrEqualTo(5.0);
            assertThat(during0.entrySet().stream()
                    .filter(sample -> sample.getKey().startsWith("lettuce_command_completion_seconds_count{")
                            && sample.getKey().contains("command=EVALSHA"))
                    .mapToDouble(Map.Entry::getValue).sum()).as("each message is one script").isGreaterThanOrEqualTo(5.0);
            assertThat(during0.get("chorus_redis_up")).isEqualTo(1.0);
            assertThat(during0.get("chorus_messages_posted_total{kind=room}")
                    - before0.get("chorus_messages_posted_total{kind=room}")).as("alice's messages").isEqualTo(5.0);
            assertThat(during0.get("chorus_logins_total{result=ok}")
                    - before0.get("chorus_logins_total{result=ok}")).as("alice registered there").isEqualTo(1.0);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(scrape(0).get("chorus_connections{transport=websocket}")).isZero());
    }

    /**
     * Every metric the shipped Grafana dashboard asks for is one the nodes export, so a renamed meter cannot leave
     * a panel empty. Meters that appear on their first occurrence (a GC pause, a failed Redis command, a refused
     * message) are only checked for their prefix.
     */
    @Test
    void theDashboardAsksOnlyForMetricsTheNodesExport() throws Exception {
        JsonNode dashboard = JSON.readTree(Path.of(System.getProperty("chorus.root", ".."))
                .resolve("deploy/grafana/chorus-dashboard.json").toFile());
        Set<String> exported = new HashSet<>();
        for (String sample : scrape(1).keySet()) {
            exported.add(sample.replaceFirst("\\{.*", ""));
        }
        Set<String> asked = new TreeSet<>();
        Matcher names = Pattern.compile("\\b((?:chorus|jvm|process|system|lettuce)_[a-z_]+)").matcher("");
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.reset(target.path("expr").asText());
                while (names.find()) {
                    asked.add(names.group(1));
                }
            }
        }
        assertThat(asked).hasSizeGreaterThan(15);
        for (String name : asked) {
            if (name.startsWith("jvm_gc_pause") || name.startsWith("chorus_redis_errors")
                    || name.startsWith("chorus_messages_refused")) {
                continue;
            }
            assertThat(exported).as("the dashboard's %s", name).contains(name);
        }
    }
}
