package dev.chorus.server.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client script of {@code src/test/node} run to its result: it prints {@code <NAME>-READY} once its clients are in,
 * and at the end one line {@code <NAME>-RESULT <json>}. Meanwhile the test may act beside it and talk to it on its
 * standard input.
 */
final class NodeScript {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the test does once the script's clients are in, given the script's standard input. */
    interface WhileReady {
        void run(Writer scriptInput) throws IOException;
    }

    private NodeScript() {
    }

    /**
     * @param name         the markers' prefix ({@code FAILOVER}, {@code SOAK})
     * @param whileReady   run once the script is ready; null for nothing
     * @param resultWithin how long the script may take after that
     */
    static JsonNode run(String script, String name, Map<String, Object> config, WhileReady whileReady,
            Duration resultWithin) throws Exception {
        return run(script, name, config, Map.of(), whileReady, resultWithin);
    }

    /** The same with more in the script's environment. */
    static JsonNode run(String script, String name, Map<String, Object> config, Map<String, String> environment,
            WhileReady whileReady, Duration resultWithin) throws Exception {
        return run(Path.of(System.getProperty("compat.node.dir")), script, name, config, environment, whileReady,
                resultWithin);
    }

    /** The same for a script of another folder (the browser tests'). */
    static JsonNode run(Path nodeDir, String script, String name, Map<String, Object> config,
            Map<String, String> environment, WhileReady whileReady, Duration resultWithin) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", script, JSON.writeValueAsString(config))
                .directory(nodeDir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String ready = name + "-READY";
        String result = name + "-RESULT ";
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String> answer = new CompletableFuture<>();
        CompletableFuture<Void> clientsIn = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.equals(ready)) {
                        clientsIn.complete(null);
                    } else if (line.startsWith(result)) {
                        answer.complete(line.substring(result.length()));
                    }
                }
                answer.completeExceptionally(new AssertionError(script + " printed no result"));
            } catch (IOException e) {
                answer.completeExceptionally(e);
            }
        }, script + "-output");
        reader.start();
        try {
            if (whileReady != null) {
                CompletableFuture.anyOf(clientsIn, answer).get(120, TimeUnit.SECONDS);
                if (clientsIn.isDone()) {
                    try (Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
                        whileReady.run(in);
                    }
                }
            }
            return JSON.readTree(answer.get(resultWithin.toSeconds(), TimeUnit.SECONDS));
        } finally {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
