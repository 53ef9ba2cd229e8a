package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

/** A stopping node's kept-alive connections close after an answer that says so, never under a request. */
class KeepAliveRetirementTest {
    private final KeepAliveRetirement retirement = new KeepAliveRetirement();

    @Test
    void keptAliveUntilRetiredThenEachAnswerClosesItsConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(retirement.newConnection());
        assertThat(answer(channel, HttpResponseStatus.OK).headers().contains(HttpHeaderNames.CONNECTION)).isFalse();
        assertThat(channel.isOpen()).isTrue();

        retirement.retire();
        FullHttpResponse last = answer(channel, HttpResponseStatus.OK);
        assertThat(last.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        assertThat(channel.isOpen()).as("closed once the answer is out").isFalse();
        last.release();
    }

    @Test
    void closingClosesIdleConnectionsAndWaitsForAnAnswerInFlight() {
        EmbeddedChannel idle = new EmbeddedChannel(retirement.newConnection());
        EmbeddedChannel busy = new EmbeddedChannel(retirement.newConnection());
        busy.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/login"));

        retirement.closeIdle();
        idle.runPendingTasks();
        busy.runPendingTasks();

        assertThat(idle.isOpen()).isFalse();
        assertThat(busy.isOpen()).as("its request is answered first").isTrue();
        busy.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        FullHttpResponse response = busy.readOutbound();
        assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        assertThat(busy.isOpen()).isFalse();
        response.release();
        busy.finishAndReleaseAll();
    }

    @Test
    void anUpgradeAnswerIsNotAnEnd() {
        EmbeddedChannel channel = new EmbeddedChannel(retirement.newConnection());
        retirement.retire();
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/socket.io/"));
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS));
        FullHttpResponse switching = channel.readOutbound();
        assertThat(switching.headers().contains(HttpHeaderNames.CONNECTION)).isFalse();
        assertThat(channel.isOpen()).isTrue();
        switching.release();
        channel.finishAndReleaseAll();
    }

    private static FullHttpResponse answer(EmbeddedChannel channel, HttpResponseStatus status) {
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/me"));
        ReferenceCountUtil.release(channel.readInbound());
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status));
        return channel.readOutbound();
    }
}
