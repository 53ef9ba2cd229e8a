package dev.chorus.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.testsupport.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration as an operator meets it: {@code chorus} in a process of its own, its flags, environment, file. */
class ConfigurationIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath()
                        .resolve("server/src/main/resources/logback.xml"),
                "-cp", System.getProperty("java.class.path"), "dev.chorus.server.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("CHORUS_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Process process = start(env, args);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("chorus exits").isTrue();
        return new Run(process.exitValue(), Files.readString(dir.resolve("out.txt")),
                Files.readString(dir.resolve("err.txt")));
    }

    @Test
    void configPrintsWhatServeWouldRunWithAndWhereEachValueCameFrom() throws Exception {
        Path file = dir.resolve("chorus.yaml");
        Files.writeString(file, """
                # a file as an operator writes it
                port: 7001
                history-size: 50
                session-idle: 10
                redis: redis://:topsecret@127.0.0.1:6390/1
                cors-origin:
                  - https://chat.example
                """);
        Run run = run(Map.of("CHORUS_PORT", "7002", "CHORUS_HISTORY_SIZE", "60"),
                "config", "--config", file.toString(), "--port", "7003");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines()).contains(
                "port: 7003  # flag",
                "history-size: 60  # environment",
                "session-idle: 10  # config file",
                "cors-origin: https://chat.example  # config file",
                "redis: 'redis://:****@127.0.0.1:6390/1'  # config file",
                "message-burst: 100  # default");
        assertThat(run.out()).doesNotContain("topsecret");
    }

    @Test
    void theFileNamedByTheEnvironmentIsRead() throws Exception {
        Path file = dir.resolve("elsewhere.yaml");
        Files.writeString(file, "drain-rate: 250\n");
        Run run = run(Map.of("CHORUS_CONFIG", file.toString()), "config");

        assertThat(run.out().lines()).contains("drain-rate: 250  # config file");
    }

    @Test
    void aBadValueStopsTheStartNamingItsKey() throws Exception {
        Path file = dir.resolve("chorus.yaml");
        Files.writeString(file, "port: " + RedisServer.freePort() + "\ndrain-rate: -5\n");
        Run run = run(Map.of(), "serve", "--config", file.toString(), "--data", dir.resolve("data").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("config file " + file + ", key 'drain-rate': -5 is out of range");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void anUnknownKeyStopsTheStartToo() throws Exception {
        Run fromEnvironment = run(Map.of("CHORUS_SESION_IDLE", "5"), "serve", "--port", "0");
        assertThat(fromEnvironment.exitCode()).isEqualTo(2);
        assertThat(fromEnvironment.err()).contains("CHORUS_SESION_IDLE is not a setting, did you mean "
                + "'CHORUS_SESSION_IDLE'?");

        Run fromFlag = run(Map.of(), "serve", "--sesion-idle", "5");
        assertThat(fromFlag.exitCode()).isEqualTo(2);
        assertThat(fromFlag.err()).contains("--sesion-idle");
    }

    @Test
    void jsonLogsAreOneObjectPerLineStartingWithTheEffectiveSettings() throws Exception {
        int port = RedisServer.freePort();
        Process node = start(Map.of("CHORUS_LOG_FORMAT", "json"), "serve", "--port", Integer.toString(port),
                "--host", "127.0.0.1", "--auth", "guest", "--data", dir.resolve("data").toString());
        try {
            awaitHealthy(port);
        } finally {
            node.destroy();
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        List<String> lines = Files.readAllLines(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(JSON.readTree(line));
        }
        assertThat(events).isNotEmpty().allSatisfy(event -> {
            assertThat(event.path("level").asText()).isNotEmpty();
            assertThat(event.path("loggerName").asText()).startsWith("dev.chorus");
        });
        assertThat(events.get(0).path("formattedMessage").asText())
                .startsWith("configuration: ")
                .contains("port=" + port + " (flag)", "log-format=json (environment)", "auth=guest (flag)");
        assertThat(events).anySatisfy(event -> {
            String nodeId = event.path("context").path("properties").path("node").asText();
            assertThat(event.path("formattedMessage").asText())
                    .as("the node names itself in every line after it has an id")
                    .startsWith("chorus node " + nodeId + " up on port " + port);
        });
    }

    private static void awaitHealthy(int port) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no healthy node on port " + port);
    }
}
