package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpEndpointsLeaveTest {
    @ChannelHandler.Sharable
    private static final class Endpoint extends ChannelInboundHandlerAdapter {
    }

    /** A pipeline like the server's: the watcher, the route cookie, two endpoints. */
    private static EmbeddedChannel answering(HttpResponseStatus status) {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpEndpointsLeave(List.of("route", "auth", "files")));
        channel.pipeline().addLast("route", new RouteCookie("a"));
        channel.pipeline().addLast("auth", new Endpoint());
        channel.pipeline().addLast("files", new Endpoint());
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status));
        channel.runPendingTasks();
        return channel;
    }

    @Test
    void aWebSocketUpgradeTakesTheHttpEndpointsOutOfThePipeline() {
        EmbeddedChannel channel = answering(HttpResponseStatus.SWITCHING_PROTOCOLS);

        assertThat(channel.pipeline().get(HttpEndpointsLeave.class)).isNull();
        assertThat(channel.pipeline().names()).doesNotContain("route", "auth", "files");
        channel.finishAndReleaseAll();
    }

    @Test
    void anOrdinaryResponseLeavesThemInPlace() {
        EmbeddedChannel channel = answering(HttpResponseStatus.OK);

        assertThat(channel.pipeline().get(HttpEndpointsLeave.class)).isNotNull();
        assertThat(channel.pipeline().names()).contains("route", "auth", "files");
        channel.finishAndReleaseAll();
    }
}
