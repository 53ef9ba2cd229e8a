package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class RouteCookieTest {
    private static FullHttpResponse answer(EmbeddedChannel channel, String cookie, String responseCookie) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        if (cookie != null) {
            request.headers().set(HttpHeaderNames.COOKIE, cookie);
        }
        channel.writeInbound(request);
        FullHttpRequest read = channel.readInbound();
        read.release();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        if (responseCookie != null) {
            response.headers().add(HttpHeaderNames.SET_COOKIE, responseCookie);
        }
        channel.writeOutbound(response);
        return channel.readOutbound();
    }

    @Test
    void namesTheRouteUnlessTheClientHasItOrTheAnswerNamesAnother() {
        EmbeddedChannel channel = new EmbeddedChannel(new RouteCookie("a"));

        assertThat(answer(channel, null, null).headers().getAll(HttpHeaderNames.SET_COOKIE))
                .containsExactly("chorus_route=a; Path=/; HTTPOnly");
        assertThat(answer(channel, "jsessionid=x; chorus_route=a", null).headers().getAll(HttpHeaderNames.SET_COOKIE))
                .as("the client has it").isEmpty();
        assertThat(answer(channel, "chorus_route=b", null).headers().getAll(HttpHeaderNames.SET_COOKIE))
                .as("another node's route is replaced").containsExactly("chorus_route=a; Path=/; HTTPOnly");
        assertThat(answer(channel, null, "chorus_route=b; Path=/").headers().getAll(HttpHeaderNames.SET_COOKIE))
                .as("an answer relayed from the session's node keeps that node's route")
                .containsExactly("chorus_route=b; Path=/");
        channel.finishAndReleaseAll();
    }
}
