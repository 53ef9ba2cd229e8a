package dev.chorus.chat.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StaticFilesHandlerTest {
    private static final byte[] INDEX = "<!doctype html><title>t</title>".getBytes(StandardCharsets.UTF_8);
    private final StaticFilesHandler handler = StaticFilesHandler.of(Map.of(
            "/index.html", INDEX,
            "/app.js", "console.log(1)".getBytes(StandardCharsets.UTF_8),
            "/vendor/lib.min.js", "x".getBytes(StandardCharsets.UTF_8),
            "/style.css", "a{}".getBytes(StandardCharsets.UTF_8)));
    private final EmbeddedChannel channel = new EmbeddedChannel(handler);

    @AfterEach
    void close() {
        Object left;
        while ((left = channel.readInbound()) != null) {
            io.netty.util.ReferenceCountUtil.release(left);
        }
        channel.finishAndReleaseAll();
    }

    private FullHttpResponse send(HttpMethod method, String uri, String ifNoneMatch) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.buffer(0));
        if (ifNoneMatch != null) {
            request.headers().set(HttpHeaderNames.IF_NONE_MATCH, ifNoneMatch);
        }
        channel.writeInbound(request);
        return channel.readOutbound();
    }

    private static String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    @Test
    void rootIsTheIndexWithItsTypeCacheAndPolicyHeaders() {
        FullHttpResponse response = send(HttpMethod.GET, "/?x=1", null);
        assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html; charset=utf-8");
        assertThat(response.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-cache");
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_SECURITY_POLICY)).contains("script-src 'self'");
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(INDEX.length);
        assertThat(response.headers().get(HttpHeaderNames.ETAG)).startsWith("\"");
        assertThat(body(response)).isEqualTo(new String(INDEX, StandardCharsets.UTF_8));
    }

    @Test
    void contentTypesFollowTheExtension() {
        FullHttpResponse js = send(HttpMethod.GET, "/vendor/lib.min.js", null);
        assertThat(js.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/javascript; charset=utf-8");
        assertThat(js.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
        body(js);
        FullHttpResponse css = send(HttpMethod.GET, "/style.css", null);
        assertThat(css.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/css; charset=utf-8");
        body(css);
        assertThat(StaticFilesHandler.contentType("/a/b")).isEqualTo("application/octet-stream");
    }

    @Test
    void headHasTheLengthButNoBody() {
        FullHttpResponse response = send(HttpMethod.HEAD, "/app.js", null);
        assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(14);
        assertThat(body(response)).isEmpty();
    }

    @Test
    void aKnownEtagGets304() {
        FullHttpResponse first = send(HttpMethod.GET, "/app.js", null);
        String etag = first.headers().get(HttpHeaderNames.ETAG);
        body(first);
        FullHttpResponse again = send(HttpMethod.GET, "/app.js", "\"other\", " + etag);
        assertThat(again.status()).isEqualTo(HttpResponseStatus.NOT_MODIFIED);
        assertThat(body(again)).isEmpty();
    }

    @Test
    void otherMethodsOnAFileGet405() {
        FullHttpResponse response = send(HttpMethod.POST, "/index.html", null);
        assertThat(response.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
        assertThat(response.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, HEAD");
        body(response);
    }

    @Test
    void traversalIsRefused() {
        for (String uri : new String[] {"/../pom.xml", "/vendor/../app.js", "/%2e%2e/secret", "/..%2fsecret",
                "/a\\..\\b", "/%00", "/%zz"}) {
            FullHttpResponse response = send(HttpMethod.GET, uri, null);
            assertThat(response.status()).as(uri).isEqualTo(HttpResponseStatus.BAD_REQUEST);
            body(response);
        }
    }

    @Test
    void unknownPathsPassOn() {
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/missing.js",
                Unpooled.buffer(0)));
        assertThat((Object) channel.readOutbound()).isNull();
        FullHttpRequest passed = channel.readInbound();
        assertThat(passed.uri()).isEqualTo("/missing.js");
        passed.release();
    }

    @Test
    void theBuiltWebChatIsOnTheClasspathWithTheSocketIoClient() {
        StaticFilesHandler built = StaticFilesHandler.fromClasspath(getClass().getClassLoader(), "web");
        assertThat(built.serves("/index.html")).isTrue();
        assertThat(built.serves("/app.js")).isTrue();
        assertThat(built.serves("/style.css")).isTrue();
        assertThat(built.serves("/vendor/socket.io.min.js")).as("npm ci copied the client").isTrue();
    }
}
