package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A Node.js script of the tests, run to its end: it prints one line of its own prefix and JSON, its result. */
public final class NodeScript {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeScript() {
    }

    /**
     * Runs {@code node SCRIPT ARGUMENTS...} in {@code dir}, with {@code environment} added to this one's.
     *
     * @return the JSON after {@code prefix} on the line that starts with it
     * @throws AssertionError with everything the script printed, when no line does
     */
    public static JsonNode run(Path dir, Duration timeout, String prefix, Map<String, String> environment,
            String script, String... arguments) throws Exception {
        Path out = Files.createTempFile(dir, script, ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder("node", script).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            builder.command().addAll(List.of(arguments));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            for (String line : output.split("\n")) {
                if (line.startsWith(prefix)) {
                    return JSON.readTree(line.substring(prefix.length()));
                }
            }
            throw new AssertionError(script + " printed no result:\n" + output);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
