package dev.chorus.server.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario of {@code compat.js} with the official Node client: {@code node compat.js <scenario> <port>} in
 * the directory where the build ran {@code npm ci} (system property {@code compat.node.dir}).
 */
final class NodeClient {
    private static final String RESULT_PREFIX = "COMPAT-RESULT ";
    /** The script gives up on its own after 20 s; this only guards against a hung node process. */
    private static final long PROCESS_TIMEOUT_SECONDS = 40;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What one run printed: its exit code, the result JSON (null when none) and its whole output. */
    record Run(int exitCode, JsonNode result, String stdout, String stderr) {
        /** @return the result of a run that succeeded, or fails the test with everything the script printed */
        JsonNode succeeded() {
            if (exitCode != 0 || result == null) {
                throw new AssertionError("node scenario failed (exit " + exitCode + ")\n--- stdout\n" + stdout
                        + "\n--- stderr\n" + stderr);
            }
            return result;
        }
    }

    private final Path dir;

    NodeClient() {
        String configured = System.getProperty("compat.node.dir");
        if (configured == null) {
            throw new IllegalStateException("system property compat.node.dir is not set: run through mvn verify");
        }
        this.dir = Path.of(configured);
        if (!Files.isDirectory(dir.resolve("node_modules/socket.io-client"))) {
            throw new IllegalStateException("no socket.io-client under " + dir + ": npm ci did not run");
        }
    }

    Run run(String scenario, int port) {
        try {
            Path out = Files.createTempFile(dir, scenario, ".out");
            Path err = Files.createTempFile(dir, scenario, ".err");
            try {
                Process process = new ProcessBuilder("node", "compat.js", scenario, Integer.toString(port))
                        .directory(dir.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new AssertionError("node scenario " + scenario + " still running after "
                            + PROCESS_TIMEOUT_SECONDS + " s\n--- stdout\n" + Files.readString(out)
                            + "\n--- stderr\n" + Files.readString(err));
                }
                String stdout = Files.readString(out, StandardCharsets.UTF_8);
                return new Run(process.exitValue(), result(stdout), stdout, Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static JsonNode result(String stdout) throws IOException {
        for (String line : stdout.split("\n")) {
            if (line.startsWith(RESULT_PREFIX)) {
                return MAPPER.readTree(line.substring(RESULT_PREFIX.length()));
            }
        }
        return null;
    }
}
