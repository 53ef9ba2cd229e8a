package dev.chorus.engine.eio;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Session state against polling exchanges on an embedded channel, where every task runs at once. */
class EngineSessionTest {
    private final EngineServer server = new EngineServer(EngineOptions.defaults(), s -> SessionHandler.IGNORE);
    private final EmbeddedChannel channel = new EmbeddedChannel();

    private static EngineRequest handshake() {
        return new EngineRequest(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/engine.io/?EIO=4&transport=polling"), null);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aPollThatReachesASessionJustClosedIsAnsweredAtOnce() {
        // The request's loop found the session open; the session's loop closed it before the poll got there.
        EngineSession session = server.open(channel.eventLoop(), handshake());
        session.start(new PollingTransport(session), null);
        session.discard(CloseReason.PING_TIMEOUT);

        session.onPoll(exchange());

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
            assertThat(response.content().toString(StandardCharsets.UTF_8))
                    .isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
        } finally {
            response.release();
        }
    }

    @Test
    void aServerCloseWithQueuedFramesSendsThemThenTheClosePacket() {
        EngineSession session = server.open(channel.eventLoop(), handshake());
        session.start(new PollingTransport(session), null);
        assertThat(body(poll(session))).startsWith("0{");
        session.send(Frame.message("one"));
        session.send(Frame.message(new byte[] {1}));
        session.close();
        assertThat(session.isOpen()).isFalse();

        assertThat(body(poll(session))).isEqualTo("4one\u001ebAQ==");
        assertThat(server.session(session.id())).as("waits for the next poll").isSameAs(session);
        assertThat(body(poll(session))).isEqualTo("1");
        assertThat(server.session(session.id())).isNull();
    }

    @Test
    void discardDropsWhatWasQueuedAndEndsTheSessionNow() {
        EngineSession session = server.open(channel.eventLoop(), handshake());
        session.start(new PollingTransport(session), null);
        Frame queued = Frame.text(ByteBufAllocator.DEFAULT.buffer().writeByte('4'));
        session.send(queued);

        session.discard(CloseReason.SERVER_SHUTTING_DOWN);

        assertThat(queued.content().refCnt()).isZero();
        assertThat(server.session(session.id())).isNull();
    }

    @Test
    void aSteadyStreamsFramesWaitForTheBeatAndGoOutTogether() {
        EngineSession session = delayingSession();
        for (int i = 0; i < 3; i++) {
            channel.advanceTimeBy(5, TimeUnit.MILLISECONDS);
            session.send(Frame.message("steady " + i));
            assertThat(written()).as("not busy yet: at once").containsExactly("4steady " + i);
        }
        channel.advanceTimeBy(90, TimeUnit.MILLISECONDS);
        session.send(Frame.message("next window"));
        assertThat(written()).as("a window ends with a write").containsExactly("4next window");

        channel.advanceTimeBy(5, TimeUnit.MILLISECONDS);
        session.send(Frame.message("a"));
        session.send(Frame.message("b"));
        assertThat(written()).as("busy: waiting for the beat").isEmpty();
        channel.advanceTimeBy(20, TimeUnit.MILLISECONDS);
        assertThat(written()).containsExactly("4a", "4b");

        channel.advanceTimeBy(300, TimeUnit.MILLISECONDS);
        session.send(Frame.message("after a pause"));
        assertThat(written()).as("quiet again: at once").containsExactly("4after a pause");
    }

    @Test
    void aConversationsBurstGoesOutAtOnce() {
        EngineSession session = delayingSession();
        for (int i = 0; i < 6; i++) {
            session.send(Frame.message("burst " + i));
            assertThat(written()).containsExactly("4burst " + i);
        }
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        session.send(Frame.message("reply"));
        assertThat(written()).containsExactly("4reply");
    }

    /** A WebSocket session of a server with a busy write delay of 20 ms, its open packet written. */
    private EngineSession delayingSession() {
        EngineServer delaying = new EngineServer(EngineOptions.builder().busyWriteDelay(Duration.ofMillis(20))
                .build(), s -> SessionHandler.IGNORE);
        channel.freezeTime();
        EngineSession session = delaying.open(channel.eventLoop(), handshake());
        session.start(new WebSocketTransport(session, channel), null);
        assertThat(written()).containsExactly("0");
        return session;
    }

    @Test
    void withoutABusyWriteDelayEveryFrameGoesAtOnce() {
        channel.freezeTime();
        EngineSession session = server.open(channel.eventLoop(), handshake());
        session.start(new WebSocketTransport(session, channel), null);
        assertThat(written()).containsExactly("0");
        for (int i = 0; i < 10; i++) {
            channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            session.send(Frame.message("m" + i));
            assertThat(written()).containsExactly("4m" + i);
        }
    }

    /** The frames flushed to the channel since the last call, once the loop ran what was due; open packets by type. */
    private List<String> written() {
        channel.runPendingTasks();
        channel.runScheduledPendingTasks();
        List<String> frames = new ArrayList<>();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            TextWebSocketFrame frame = (TextWebSocketFrame) out;
            String text = frame.text();
            frames.add(text.startsWith("0{") ? "0" : text);
            frame.release();
        }
        return frames;
    }

    private HttpReplies.Exchange exchange() {
        return new HttpReplies.Exchange(channel, true, null);
    }

    private FullHttpResponse poll(EngineSession session) {
        session.onPoll(exchange());
        return channel.readOutbound();
    }

    private static String body(FullHttpResponse response) {
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }
}
