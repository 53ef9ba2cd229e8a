package dev.chorus.server.cluster;

import dev.chorus.cluster.testsupport.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A Chorus node in a JVM of its own, as {@code ./chorus serve} runs it, so that a test can kill it for real. */
public final class NodeProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<String> command;
    private final Process process;
    private final int port;
    private final Path log;

    private NodeProcess(List<String> command, Process process, int port, Path log) {
        this.command = command;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a node (in guest mode unless told otherwise) in the cluster of {@code redisUrl}; waits until it is ready. */
    public static NodeProcess start(Path dir, String redisUrl, String... extraArgs)
            throws IOException, InterruptedException {
        return startWithHeap("256m", dir, redisUrl, extraArgs);
    }

    /** The same with a given heap, {@code -Xmx} style: many nodes fit on one machine with small ones. */
    public static NodeProcess startWithHeap(String heap, Path dir, String redisUrl, String... extraArgs)
            throws IOException, InterruptedException {
        return launch(heap, dir, redisUrl, RedisServer.freePort(), extraArgs);
    }

    /** The same on a given port, for a proxy configured with it. */
    public static NodeProcess startOnPort(Path dir, String redisUrl, int port, String... extraArgs)
            throws IOException, InterruptedException {
        return launch("256m", dir, redisUrl, port, extraArgs);
    }

    private static NodeProcess launch(String heap, Path dir, String redisUrl, int port, String... extraArgs)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // Logs as a node logs in production, not as the tests' quiet configuration would have it (or as
                // CHORUS_TEST_NODE_LOGBACK says, to look closer).
                "-Dlogback.configurationFile=" + System.getenv().getOrDefault("CHORUS_TEST_NODE_LOGBACK",
                        Path.of(System.getProperty("chorus.root", "..")).resolve("server/src/main/resources/logback.xml")
                                .toString()),
                "-cp", System.getProperty("java.class.path"),
                "dev.chorus.server.Main", "serve",
                "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--data", dir.resolve("data-" + port).toString(),
                "--redis", redisUrl));
        if (!List.of(extraArgs).contains("--auth")) {
            command.addAll(List.of("--auth", "guest"));
        }
        // A test's nodes serve at once: the warm-up is seconds of a start that a test of the cluster does not need
        // (WarmUpIT is about it).
        if (!List.of(extraArgs).contains("--warm-up")) {
            command.addAll(List.of("--warm-up", "0"));
        }
        command.addAll(List.of(extraArgs));
        return run(command, port, dir.resolve("node-" + port + ".log"));
    }

    private static NodeProcess run(List<String> command, int port, Path log) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        NodeProcess node = new NodeProcess(List.copyOf(command), process, port, log);
        node.awaitReady(Duration.ofSeconds(30));
        return node;
    }

    /** The same node started again (same port, route, data): the second half of a rolling restart. */
    public NodeProcess restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("node on port " + port + " still runs");
        }
        return run(command, port, log);
    }

    /** SIGTERM, then waits for the node to drain and exit. */
    public void terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("node on port " + port + " still runs " + timeout + " after SIGTERM:\n"
                    + output());
        }
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("node exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("node on port " + port + " not ready in " + timeout + ":\n" + output());
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: the node gets no chance to say goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        stop(process);
    }

    /** SIGTERM, and SIGKILL when the process is still there 10 s later. */
    public static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
