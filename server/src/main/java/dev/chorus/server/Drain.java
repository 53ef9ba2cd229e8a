package dev.chorus.server;

import dev.chorus.engine.eio.EngineServer;
import dev.chorus.engine.eio.EngineSession;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a node's clients to the other nodes before it stops: no new sessions (503 to handshakes, not ready on
 * {@code /health}), then the open sessions are ended in batches — each client sees its transport close, reconnects
 * through the proxy to another node and recovers there — so that the others are not hit by every client at once.
 * Whatever is still open when the drain time is up is closed at once.
 */
final class Drain {
    private static final Logger log = LoggerFactory.getLogger(Drain.class);
    private static final Duration BATCH_EVERY = Duration.ofMillis(200);
    /** Time for proxies' health checks to see the node not ready before the first clients come back through them. */
    private static final Duration NOTICE = Duration.ofMillis(500);
    /**
     * How long a session that is owed answers (a request being worked on) is left for later batches: ended then, its
     * client would miss the answer. After this, it is ended all the same.
     */
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    /** How long handed-over sessions that are still closing are waited for at the end. */
    private static final Duration CLOSING = Duration.ofSeconds(3);

    private final EngineServer engine;
    private final Duration timeout;
    private final int perBatch;

    /**
     * @param sessionsPerSecond how fast clients are handed over
     * @param timeout           the longest the drain may take
     */
    Drain(EngineServer engine, int sessionsPerSecond, Duration timeout) {
        this.engine = engine;
        this.timeout = timeout;
        this.perBatch = Math.max(1, (int) (sessionsPerSecond * BATCH_EVERY.toMillis() / 1000));
    }

    /** Runs the drain on the calling thread (the shutdown hook's), never on an event loop. */
    void run() throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        engine.stopAccepting();
        int sessions = engine.sessionCount();
        log.info("drain started: {} sessions to hand over, {} per {} ms, at most {} s", sessions, perBatch,
                BATCH_EVERY.toMillis(), timeout.toSeconds());
        if (sessions > 0) {
            Thread.sleep(Math.min(NOTICE.toMillis(), timeout.toMillis()));
        }
        long patienceEnds = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            List<EngineSession> open = engine.sessions().stream().filter(EngineSession::isOpen).toList();
            if (open.isEmpty()) {
                break;
            }
            boolean patient = System.nanoTime() < patienceEnds;
            List<EngineSession> batch = open.stream().filter(session -> !patient || !session.owesAnswers())
                    .limit(perBatch).toList();
            Consumer<EngineSession> handOver = patient ? engine::handOverWhenIdle : engine::handOver;
            batch.forEach(handOver);
            Thread.sleep(BATCH_EVERY.toMillis());
        }
        // A polling client handed over between two requests gets its close packet with its next one: give those a
        // moment, else they find their session gone (400) and take longer to come back.
        long closingUntil = Math.min(deadline, System.nanoTime() + CLOSING.toNanos());
        while (System.nanoTime() < closingUntil
                && engine.sessions().stream().anyMatch(session -> !session.isOpen() && !session.isClosed())) {
            Thread.sleep(50);
        }
        int left = engine.sessionCount();
        log.info("drain finished in {} ms: {} sessions handed over, {} left to close",
                Duration.ofNanos(System.nanoTime() - started).toMillis(), Math.max(0, sessions - left), left);
    }
}
