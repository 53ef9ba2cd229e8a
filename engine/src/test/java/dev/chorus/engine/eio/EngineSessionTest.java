package dev.chorus.engine.eio;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
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
