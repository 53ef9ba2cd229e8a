package dev.chorus.server;

import dev.chorus.cluster.registry.NodeRegistry;
import dev.chorus.server.config.ConfigFile;
import dev.chorus.server.config.ConfigException;
import dev.chorus.server.config.Configuration;
import dev.chorus.server.config.Keys;
import dev.chorus.server.config.Settings;
import dev.chorus.server.warmup.Exercise;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM runs new code in its interpreter until it has seen it run often enough to compile it: a node's first
 * thousands of clients would cost it several times what later ones do, and a node that takes over the clients of
 * one that died meets them all at once. So before a node serves, it exercises a private copy of itself — loopback,
 * an ephemeral port, no XMPP — as clients would, and stops it: the real node then starts on code the JVM compiled
 * already. A node of a cluster warms up on the cluster's Redis, for the same code to be compiled, but under keys and
 * channels of its own, deleted after it (a Redis out of reach: embedded stores instead); a single node on embedded
 * stores in a temporary folder, deleted after it. Nothing of the exercise is left in any store.
 */
final class WarmUp {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    /** What a private node's keys and channels start with. */
    private static final String NAMESPACE = "chorus-warm-up:";

    private WarmUp() {
    }

    /** What a warm-up did. */
    record Report(Duration took, int connections, int messages, int delivered, int recovered) {
    }

    /** Every kind of request once, on a private node on embedded stores: what the launcher's class archive records. */
    static Report once() throws Exception {
        return run(Settings.defaults(), Duration.ZERO);
    }

    /** Exercises a private node like {@code node} for {@code budget}, after every kind of request once. */
    static Report run(Settings node, Duration budget) throws Exception {
        long started = System.nanoTime();
        Path data = Files.createTempDirectory("chorus-warm-up");
        try (Node warming = startPrivate(node, data)) {
            Exercise exercise = new Exercise(warming.port());
            exercise.once();
            // Each round promotes into the old generation the handshakes and messages a young collection found in
            // flight; with the serial collector the old generation would grow through a long warm-up until it
            // filled, and the node would start with every page of it touched. Collected whenever a burst's worth
            // has piled up, it stays small.
            Optional<QuietCollection> heap = QuietCollection.forThisJvm();
            exercise.rounds(budget, () -> heap.ifPresent(QuietCollection::collectIfGrown));
            return new Report(Duration.ofNanos(System.nanoTime() - started), exercise.connections(),
                    exercise.messages(), exercise.delivered(), exercise.recovered());
        } finally {
            delete(data);
            // The exercise grew the heap, and what it left there is garbage now: collected before the node serves,
            // it is compacted away, and the node's first connections fill the pages it took instead of new ones.
            System.gc();
        }
    }

    private static Node startPrivate(Settings node, Path data) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("host", "127.0.0.1", "port", "0",
                "data", data.toString(), "auth", "guest", "xmpp", "false", "warm-up", "0",
                // One client address saying many messages at once.
                "message-rate", "1000000", "message-burst", "1000000", "request-rate", "1000000",
                "request-burst", "1000000"));
        if (node.clustered()) {
            try {
                settings.put("redis", node.get(Keys.REDIS));
                settings.put("route", "warm-up");
                return Node.startPrivate(resolve(settings), NAMESPACE + NodeRegistry.newNodeId() + ":");
            } catch (RuntimeException e) {
                log.warn("warming up on embedded stores: the cluster's Redis is not reachable ({})", e.getMessage());
                settings.remove("redis");
                settings.remove("route");
            }
        }
        return Node.start(resolve(settings));
    }

    private static Settings resolve(Map<String, String> settings) throws ConfigException {
        return Settings.from(Configuration.resolve(Keys.ALL, settings, Map.of(), ConfigFile.none()));
    }

    private static void delete(Path data) throws IOException {
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
