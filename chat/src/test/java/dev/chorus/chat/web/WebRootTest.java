package dev.chorus.chat.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.engine.testsupport.RouterChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebRootTest {
    @TempDir
    Path root;
    @TempDir
    Path outside;
    private WebRoot webRoot;
    private RouterChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.close();
        }
        if (webRoot != null) {
            webRoot.close();
        }
    }

    private void open() throws IOException {
        webRoot = WebRoot.open(root, Duration.ofMillis(50));
        channel = new RouterChannel(webRoot.files());
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    /** The status and body; a path the folder does not serve is no route's here, and reads as 404. */
    private String get(String uri) {
        FullHttpResponse response = channel.send(HttpMethod.GET, uri);
        String body = RouterChannel.body(response);
        return response.status().equals(HttpResponseStatus.NOT_FOUND) ? "404" : response.status().code() + " " + body;
    }

    @Test
    void servesTheFolderWithIndexPagesAndLeavesTheRestToOtherRoutes() throws IOException {
        write(root.resolve("index.html"), "<p>ours</p>");
        write(root.resolve("docs/index.html"), "<p>docs</p>");
        write(root.resolve("js/app.js"), "start()");
        open();

        assertThat(get("/")).isEqualTo("200 <p>ours</p>");
        assertThat(get("/docs/")).isEqualTo("200 <p>docs</p>");
        assertThat(get("/js/app.js?v=3")).isEqualTo("200 start()");
        assertThat(get("/socket.io/?EIO=4&transport=polling")).isEqualTo("404");
        assertThat(get("/js/../index.html")).startsWith("400");
    }

    @Test
    void pagesCarryNoPolicyOfTheWebChats() throws IOException {
        write(root.resolve("index.html"), "<p>ours</p>");
        open();
        FullHttpResponse response = channel.send(HttpMethod.GET, "/");
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html; charset=utf-8");
            assertThat(response.headers().contains(HttpHeaderNames.CONTENT_SECURITY_POLICY)).isFalse();
            assertThat(response.headers().get(HttpHeaderNames.ETAG)).isNotBlank();
        } finally {
            response.release();
        }
    }

    @Test
    void hiddenFilesAndLinksAreNeverServed() throws IOException {
        write(root.resolve(".env"), "SECRET=1");
        write(root.resolve(".git/config"), "[core]");
        write(outside.resolve("passwd"), "root:x:0:0");
        Files.createSymbolicLink(root.resolve("passwd"), outside.resolve("passwd"));
        Files.createSymbolicLink(root.resolve("elsewhere"), outside);
        open();

        assertThat(get("/.env")).isEqualTo("404");
        assertThat(get("/.git/config")).isEqualTo("404");
        assertThat(get("/passwd")).isEqualTo("404");
        assertThat(get("/elsewhere/passwd")).isEqualTo("404");
    }

    @Test
    void aChangedFolderIsServedWithoutARestart() throws IOException {
        write(root.resolve("index.html"), "v1");
        open();
        assertThat(get("/")).isEqualTo("200 v1");

        write(root.resolve("index.html"), "v2!");
        Files.setLastModifiedTime(root.resolve("index.html"), FileTime.from(Instant.now().plusSeconds(5)));
        write(root.resolve("new.css"), "p{}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(get("/")).isEqualTo("200 v2!");
            assertThat(get("/new.css")).isEqualTo("200 p{}");
        });

        Files.delete(root.resolve("new.css"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get("/new.css")).isEqualTo("404"));
    }
}
