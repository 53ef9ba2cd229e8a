package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestDeadlinesTest {
    private final RequestDeadlines.Deadline deadline =
            RequestDeadlines.DEFAULTS.newConnection();
    private final EmbeddedChannel channel = new EmbeddedChannel(deadline.bytes(), new HttpServerCodec(), deadline);

    @AfterEach
    void close() {
        for (Object read = channel.readInbound(); read != null; read = channel.readInbound()) {
            ReferenceCountUtil.release(read);
        }
        channel.finishAndReleaseAll();
    }

    private void receive(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
    }

    private boolean openAfter(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        return channel.isOpen();
    }

    @Test
    void aRequestLineThatNeverEndsIsCutAfterTheRequestTimeout() {
        receive("GET /health HT");

        assertThat(openAfter(19)).isTrue();
        receive("T");
        assertThat(openAfter(2)).as("the head's time is counted from its first byte").isFalse();
    }

    @Test
    void aBodyMayComeSlowlyButNotStop() {
        receive("POST /login HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n");
        assertThat(openAfter(15)).isTrue();
        receive("ab");
        assertThat(openAfter(15)).as("each read gives the body another 20 s").isTrue();
        assertThat(openAfter(6)).isFalse();
    }

    @Test
    void aRequestBeingAnsweredIsNotTimedAndTheConnectionThenWaitsForTheNextOne() {
        receive("GET /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(openAfter(120)).as("a long-poll held open").isTrue();

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        assertThat(openAfter(74)).isTrue();
        assertThat(openAfter(2)).as("kept alive, no request for 75 s").isFalse();
    }

    @Test
    void aConnectionThatSendsNothingIsIdle() {
        assertThat(openAfter(74)).isTrue();
        assertThat(openAfter(2)).isFalse();
    }
}
