package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs the official Engine.IO (24 tests) and Socket.IO (32 tests) protocol suites against the conformance server,
 * several times in a row, through the shared runner script. The suites are other projects' code and are not
 * committed here: the test runs when checkouts of socketio/engine.io-protocol and socketio/socket.io-protocol are
 * found (see docs/compatibility.md), and is skipped otherwise.
 */
class OfficialProtocolSuitesIT {
    private static final int RUNS = Integer.getInteger("chorus.suites.runs", 10);
    private static final long RUN_TIMEOUT_SECONDS = 180;

    @Test
    void bothSuitesPassEveryRun() throws Exception {
        Path root = Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath().normalize();
        Path runner = Path.of(System.getProperty("chorus.suites.runner",
                root.resolveSibling("shared").resolve("tools/run-socketio-suites.sh").toString()));
        Optional<Path> engineSuite = findCheckout(root, "engine.io-protocol");
        Optional<Path> socketSuite = findCheckout(root, "socket.io-protocol");
        assumeTrue(Files.isRegularFile(runner), "no suite runner at " + runner);
        assumeTrue(engineSuite.isPresent() && socketSuite.isPresent(),
                "protocol suite checkouts not found; set CHORUS_PROTOCOL_SUITES (docs/compatibility.md)");

        Path workDir = Files.createTempDirectory("chorus-suites");
        List<String> results = new ArrayList<>();
        try (ConformanceServer server = ConformanceServer.start("127.0.0.1", 0)) {
            for (int run = 1; run <= RUNS; run++) {
                String last = runOnce(runner, engineSuite.get(), socketSuite.get(), server.port(), workDir, run);
                if (lostTheProbeAnswerRace(workDir, run)) {
                    results.add(last + " (the suite's own upgrade race; run again)");
                    last = runOnce(runner, engineSuite.get(), socketSuite.get(), server.port(), workDir, run);
                }
                results.add(last);
                assertThat(last).as("run %d of %d", run, RUNS).isEqualTo("56 passed, 0 failed");
            }
        }
        System.out.println("official protocol suites: " + results);
    }

    private static String runOnce(Path runner, Path engineSuite, Path socketSuite, int port, Path workDir, int run)
            throws IOException, InterruptedException {
        Path log = workDir.resolve("run-" + run + ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", runner.toString(), engineSuite.toString(),
                socketSuite.toString(), Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("WORKDIR", workDir.resolve("suites").toString());
        Process process = builder.start();
        if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "timed out (log: " + log + ")";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String last = lines.isEmpty() ? "no output" : lines.get(lines.size() - 1).trim();
        if (!last.equals("56 passed, 0 failed")) {
            System.out.println(String.join("\n", lines));
        }
        return last;
    }

    /**
     * Whether the run's one failure is the Engine.IO suite's race in "ignores HTTP requests with same sid after
     * upgrade": the test never reads the server's {@code 3probe}, and listens for its next message only after a poll's
     * 400 came on another connection; a client descheduled long enough handles both in one turn, the 400 first, and
     * takes the {@code 3probe} (written first) for the message it waits for. Any other failure counts.
     */
    private static boolean lostTheProbeAnswerRace(Path workDir, int run) throws IOException {
        List<String> lines = Files.readAllLines(workDir.resolve("run-" + run + ".log"), StandardCharsets.UTF_8);
        String log = String.join("\n", lines);
        return !lines.isEmpty() && lines.get(lines.size() - 1).trim().equals("55 passed, 1 failed")
                && log.contains("1) ignores HTTP requests with same sid after upgrade")
                && log.contains("expected '3probe' to deeply equal '4hello'");
    }

    /**
     * A checkout in the directory named by the {@code chorus.protocol.suites} property or the CHORUS_PROTOCOL_SUITES
     * variable, or one brought beside the project.
     */
    private static Optional<Path> findCheckout(Path root, String repo) {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty("chorus.protocol.suites", System.getenv("CHORUS_PROTOCOL_SUITES"));
        if (configured != null) {
            candidates.add(Path.of(configured, repo));
        }
        candidates.add(root.resolveSibling(".mirror").resolve("socketio+" + repo).resolve("repo"));
        return candidates.stream().filter(OfficialProtocolSuitesIT::holdsSuite).findFirst();
    }

    private static boolean holdsSuite(Path dir) {
        if (Files.isRegularFile(dir.resolve("test-suite/test-suite.js"))) {
            return true;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.anyMatch(p -> p.getFileName().toString().equals("HEAD"));
        } catch (IOException e) {
            return false;
        }
    }
}
