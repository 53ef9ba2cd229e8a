package dev.chorus.engine.eio;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatWheelTest {
    private final EventLoop loop = new DefaultEventLoop();
    private final BlockingQueue<String> written = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private EngineServer server;

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aDueSessionIsPingedAndClosedWhenNoPongComes() throws Exception {
        EngineSession session = startSession(Duration.ofMillis(50), Duration.ofMillis(60));

        assertThat(written.poll(2, TimeUnit.SECONDS)).isEqualTo("2");
        assertThat(closed.get(2, TimeUnit.SECONDS)).isEqualTo(CloseReason.PING_TIMEOUT);
        assertThat(session.isOpen()).isFalse();
        assertThat(written).as("no second ping after the timeout").isEmpty();
    }

    @Test
    void aPongPostponesTheNextPing() throws Exception {
        EngineSession session = startSession(Duration.ofMillis(50), Duration.ofMillis(200));
        for (int round = 0; round < 3; round++) {
            assertThat(written.poll(2, TimeUnit.SECONDS)).isEqualTo("2");
            onLoop(() -> {
                session.onPolledPackets(List.of(InboundPacket.text(PacketType.PONG, "")));
                return null;
            });
        }
        assertThat(closed).isNotDone();
        assertThat(written.poll(2, TimeUnit.SECONDS)).isEqualTo("2");
        assertThat(closed.get(2, TimeUnit.SECONDS)).isEqualTo(CloseReason.PING_TIMEOUT);
    }

    @Test
    void aMovedDeadlineLeavesAStaleEntryThatIsSkipped() throws Exception {
        EngineSession session = startSession(Duration.ofHours(1), Duration.ofMillis(100));
        HeartbeatWheel wheel = server.heartbeatWheel(loop);
        onLoop(() -> {
            wheel.schedule(session, Duration.ofMillis(30));
            wheel.schedule(session, Duration.ofMillis(400));
            return null;
        });

        assertThat(written.poll(250, TimeUnit.MILLISECONDS)).as("the first deadline was moved").isNull();
        assertThat(written.poll(2, TimeUnit.SECONDS)).isEqualTo("2");
        assertThat(written.poll(50, TimeUnit.MILLISECONDS)).as("one ping for two entries").isNull();
    }

    @Test
    void staleEntriesDoNotPileUpWhileASessionLives() throws Exception {
        // Every pong moves a session's deadline; the entries it leaves behind must go when their slot comes round,
        // although the session is still open and due later. A small wheel (8 slots of 10 ms) turns often enough.
        server = new EngineServer(EngineOptions.defaults(), s -> SessionHandler.IGNORE);
        EngineSession session = new EngineSession(server, Ids.newId(), loop, null);
        HeartbeatWheel wheel = onLoop(() -> new HeartbeatWheel(loop, Duration.ofMillis(10), Duration.ofMillis(50)));
        try {
            for (int i = 0; i < 100; i++) {
                onLoop(() -> {
                    wheel.schedule(session, Duration.ofMinutes(30));
                    return null;
                });
                Thread.sleep(2);
            }
            Thread.sleep(150);
            assertThat(onLoop(wheel::entryCount)).as("only the live entry is left").isEqualTo(1);
        } finally {
            onLoop(() -> {
                wheel.stop();
                return null;
            });
        }
    }

    @Test
    void resolutionIsATenthOfTheShorterDelayWithinBounds() {
        assertThat(HeartbeatWheel.resolutionFor(Duration.ofSeconds(25), Duration.ofSeconds(20)))
                .isEqualTo(Duration.ofMillis(500));
        assertThat(HeartbeatWheel.resolutionFor(Duration.ofMillis(300), Duration.ofMillis(200)))
                .isEqualTo(Duration.ofMillis(20));
        assertThat(HeartbeatWheel.resolutionFor(Duration.ofMillis(30), Duration.ofMillis(20)))
                .isEqualTo(Duration.ofMillis(10));
    }

    private EngineSession startSession(Duration pingInterval, Duration pingTimeout) throws Exception {
        EngineOptions options = EngineOptions.builder().pingInterval(pingInterval).pingTimeout(pingTimeout).build();
        server = new EngineServer(options, s -> new SessionHandler() {
            @Override
            public void onMessage(EngineSession session, String text) {
            }

            @Override
            public void onBinary(EngineSession session, byte[] bytes) {
            }

            @Override
            public void onClose(EngineSession session, CloseReason reason) {
                closed.complete(reason);
            }
        });
        EngineSession session = new EngineSession(server, Ids.newId(), loop, null);
        onLoop(() -> {
            session.start(new RecordingTransport(session), null);
            return null;
        });
        assertThat(written.poll(1, TimeUnit.SECONDS)).startsWith("0{");
        return session;
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(2, TimeUnit.SECONDS);
    }

    /** Always writable; keeps what the session writes as text. */
    private final class RecordingTransport extends Transport {
        RecordingTransport(EngineSession session) {
            super(session);
        }

        @Override
        TransportName name() {
            return TransportName.WEBSOCKET;
        }

        @Override
        boolean writable() {
            return true;
        }

        @Override
        void write(List<Frame> frames) {
            for (Frame frame : frames) {
                written.add(frame.content().toString(StandardCharsets.UTF_8));
                frame.release();
            }
        }

        @Override
        void close(boolean closePacket) {
        }
    }
}
