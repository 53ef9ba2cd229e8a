package dev.chorus.engine.eio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.engine.testsupport.Polling;
import dev.chorus.engine.testsupport.RawWebSocket;
import dev.chorus.engine.testsupport.TestNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading costs its session at most the configured bytes: past them the session is closed and
 * its connection cut (the client reconnects and recovers), while the node goes on serving everyone else.
 */
class SlowReaderTest {
    private static final long MAX_QUEUED = 256 << 10;
    private static final String CHUNK = "x".repeat(64 << 10);
    /** Far more than a loopback connection's socket buffers hold, on both ends. */
    private static final int CHUNKS = 400;

    private TestNode node;

    @BeforeEach
    void start() {
        node = TestNode.start(engine -> engine.maxQueuedBytes(MAX_QUEUED));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aWebSocketThatNeverReadsIsClosedOnceItsQueueIsFull() throws Exception {
        try (RawWebSocket stalled = RawWebSocket.connect(node.port(), "/engine.io/?EIO=4&transport=websocket")) {
            String sid = Polling.sid(stalled.readText());
            EngineSession session = node.echo().session(sid);

            for (int i = 0; i < CHUNKS && node.echo().session(sid) != null; i++) {
                session.send(Frame.message(CHUNK));
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> node.echo().session(sid) == null);
            assertThat(node.enginePolling().handshake()).as("the node serves others meanwhile").isNotEmpty();
            assertThat(drainToEnd(stalled)).as("what the client still reads before the cut ends the connection")
                    .isLessThan((long) CHUNKS * CHUNK.length());
        }
    }

    @Test
    void aPollingClientThatNeverPollsIsClosedOnceItsQueueIsFull() {
        Polling polling = node.enginePolling();
        String sid = polling.handshake();
        EngineSession session = node.echo().session(sid);

        for (int i = 0; i < 10 && node.echo().session(sid) != null; i++) {
            session.send(Frame.message(CHUNK));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> node.echo().session(sid) == null);
        assertThat(polling.poll(sid).statusCode()).as("its client reconnects").isEqualTo(400);
    }

    /**
     * Reads what the connection still delivers until the node's cut ends it; a connection left open fails on the
     * socket's read timeout.
     *
     * @return how many bytes
     */
    private static long drainToEnd(RawWebSocket socket) {
        long total = 0;
        for (RawWebSocket.Frame frame = socket.readFrame(); frame != null; frame = socket.readFrame()) {
            total += frame.payload().length;
        }
        return total;
    }
}
