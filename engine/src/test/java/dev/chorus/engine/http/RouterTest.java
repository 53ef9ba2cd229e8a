package dev.chorus.engine.http;

import static dev.chorus.engine.testsupport.RouterChannel.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.engine.testsupport.RouterChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final CompletableFuture<Reply> later = new CompletableFuture<>();
    private final Routes echo = request -> request.path().equals("/echo")
            ? CompletableFuture.completedFuture(Reply.json(HttpResponseStatus.OK,
                    Map.of("body", request.bodyText(), "q", String.valueOf(request.parameter("q")))))
            : null;
    private final Routes slow = request -> request.path().equals("/later") ? later : null;
    private final Routes broken = request -> {
        if (request.path().equals("/broken")) {
            throw new IllegalStateException("a bug");
        }
        return null;
    };
    private final RouterChannel channel = new RouterChannel(echo, slow, broken);

    @AfterEach
    void close() {
        channel.close();
    }

    private FullHttpResponse send(HttpMethod method, String uri, String body, boolean keepAlive) {
        FullHttpRequest[] sent = new FullHttpRequest[1];
        FullHttpResponse response = channel.send(method, uri, body, request -> {
            sent[0] = request;
            if (!keepAlive) {
                request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
        });
        assertThat(sent[0].refCnt()).as("the router released the request").isZero();
        return response;
    }

    @Test
    void theFirstRoutesThatTakeTheRequestAnswerItWithTheDecodedPathAndQuery() throws Exception {
        FullHttpResponse response = send(HttpMethod.POST, "/%65cho?q=a%20b", "hi", true);

        assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("keep-alive");
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(response.content()
                .readableBytes());
        assertThat(Reply.JSON.readTree(body(response)))
                .isEqualTo(Reply.JSON.createObjectNode().put("body", "hi").put("q", "a b"));
    }

    @Test
    void noRouteIs404AndAnUndecodablePath400() {
        assertThat(body(send(HttpMethod.GET, "/nothing", "", true))).isEqualTo("{\"error\":\"not found\"}");
        FullHttpResponse undecodable = send(HttpMethod.GET, "/%zz", "", true);
        assertThat(undecodable.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        undecodable.release();
    }

    @Test
    void aHeadGetsTheLengthButNoBody() {
        FullHttpResponse response = send(HttpMethod.HEAD, "/echo", "", true);

        assertThat(response.content().readableBytes()).isZero();
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isPositive();
        response.release();
    }

    @Test
    void aReplyThatComesLaterIsWrittenThenAndClosesWhenAsked() {
        assertThat(send(HttpMethod.GET, "/later", "", false)).isNull();

        later.complete(Reply.text(HttpResponseStatus.OK, "text/plain", "done"));

        FullHttpResponse response = channel.next();
        assertThat(body(response)).isEqualTo("done");
        assertThat(channel.isOpen()).as("Connection: close was asked").isFalse();
    }

    @Test
    void aRouteThatFailsIsA500AndTheConnectionServesOn() {
        FullHttpResponse response = send(HttpMethod.GET, "/broken", "", true);

        assertThat(response.status()).isEqualTo(HttpResponseStatus.INTERNAL_SERVER_ERROR);
        assertThat(body(response)).isEqualTo("{\"error\":\"internal error\"}");
        FullHttpResponse next = send(HttpMethod.GET, "/echo", "", true);
        assertThat(next.status()).isEqualTo(HttpResponseStatus.OK);
        next.release();
    }

    @Test
    void theOriginsTheEngineAllowsMayCallTheRoutesPreflightIncluded() {
        try (RouterChannel cors = new RouterChannel(CorsOptions.of(List.of("http://chat.example"), true), echo)) {
            FullHttpResponse preflight = cors.send(HttpMethod.OPTIONS, "/echo", "", request -> request.headers()
                    .set(HttpHeaderNames.ORIGIN, "http://chat.example")
                    .set(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS, "content-type"));
            assertThat(preflight.status()).isEqualTo(HttpResponseStatus.NO_CONTENT);
            assertThat(preflight.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS)).isEqualTo("content-type");
            assertThat(preflight.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS)).isEqualTo("true");
            preflight.release();

            FullHttpResponse allowed = cors.send(HttpMethod.POST, "/echo", "{}",
                    request -> request.headers().set(HttpHeaderNames.ORIGIN, "http://chat.example"));
            assertThat(allowed.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN))
                    .isEqualTo("http://chat.example");
            allowed.release();
            FullHttpResponse other = cors.send(HttpMethod.POST, "/echo", "{}",
                    request -> request.headers().set(HttpHeaderNames.ORIGIN, "http://evil.example"));
            assertThat(other.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isFalse();
            other.release();
        }
    }
}
