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

    private final Endpoint auth = new Endpoint();
    private final Endpoint files = new Endpoint();

    @Test
    void aWebSocketUpgradeTakesTheHttpEndpointsOutOfThePipeline() {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpEndpointsLeave(List.of(auth, files), List.of("route")), auth, files);
        channel.pipeline().addLast("route", new RouteCookie("a"));

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
        channel.runPendingTasks();

        assertThat(channel.pipeline().get(HttpEndpointsLeave.class)).isNull();
        assertThat(channel.pipeline().context(auth)).isNull();
        assertThat(channel.pipeline().context(files)).isNull();
        assertThat(channel.pipeline().get("route")).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void anOrdinaryResponseLeavesThemInPlace() {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpEndpointsLeave(List.of(auth, files), List.of("route")), auth, files);
        channel.pipeline().addLast("route", new RouteCookie("a"));

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        channel.runPendingTasks();

        assertThat(channel.pipeline().context(auth)).isNotNull();
        assertThat(channel.pipeline().context(files)).isNotNull();
        assertThat(channel.pipeline().get(HttpEndpointsLeave.class)).isNotNull();
        assertThat(channel.pipeline().get("route")).isNotNull();
        channel.finishAndReleaseAll();
    }
}
