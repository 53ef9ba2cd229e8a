package dev.chorus.chat.web;

import static dev.chorus.engine.testsupport.RouterChannel.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.engine.http.RouteRequest;
import dev.chorus.engine.testsupport.RouterChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StaticFilesTest {
    private static final byte[] INDEX = "<!doctype html><title>t</title>".getBytes(StandardCharsets.UTF_8);
    private final StaticFiles files = StaticFiles.of(Map.of(
            "/index.html", INDEX,
            "/app.js", "console.log(1)".getBytes(StandardCharsets.UTF_8),
            "/vendor/lib.min.js", "x".getBytes(StandardCharsets.UTF_8),
            "/style.css", "a{}".getBytes(StandardCharsets.UTF_8)));
    private final RouterChannel channel = new RouterChannel(files);

    @AfterEach
    void close() {
        channel.close();
    }

    private FullHttpResponse send(HttpMethod method, String uri, String ifNoneMatch) {
        return channel.send(method, uri, "", request -> {
            if (ifNoneMatch != null) {
                request.headers().set(HttpHeaderNames.IF_NONE_MATCH, ifNoneMatch);
            }
        });
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
        assertThat(StaticFiles.contentType("/a/b")).isEqualTo("application/octet-stream");
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
    void unknownPathsAreLeftToOtherRoutes() {
        assertThat(files.serve(new RouteRequest(HttpMethod.GET, "/missing.js", Map.of(), new DefaultHttpHeaders(),
                new byte[0], null, "127.0.0.1", false))).isNull();
        FullHttpResponse response = send(HttpMethod.GET, "/missing.js", null);
        assertThat(response.status()).as("no route took it").isEqualTo(HttpResponseStatus.NOT_FOUND);
        body(response);
    }

    @Test
    void theBuiltWebChatIsOnTheClasspathWithTheSocketIoClient() {
        StaticFiles built = StaticFiles.fromClasspath(getClass().getClassLoader(), "web");
        assertThat(built.serves("/index.html")).isTrue();
        assertThat(built.serves("/app.js")).isTrue();
        assertThat(built.serves("/style.css")).isTrue();
        assertThat(built.serves("/vendor/socket.io.min.js")).as("npm ci copied the client").isTrue();
    }
}
