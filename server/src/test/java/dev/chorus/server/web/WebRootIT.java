package dev.chorus.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.chat.web.AuthMode;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --web-root}: a team's own front end, served by the node beside or instead of the web chat. */
class WebRootIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Node start(boolean webChat) throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>our own chat</h1>");
        Files.writeString(site.resolve("main.js"), "connect()");
        return Node.start(TestNodes.settings(dir.resolve("data"))
                .with(Keys.AUTH, AuthMode.GUEST)
                .with(Keys.WEB_ROOT, site)
                .with(Keys.WEB_CHAT, webChat));
    }

    private HttpResponse<String> get(Node node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void besideTheWebChatTheFoldersFilesWin() throws Exception {
        try (Node node = start(true)) {
            assertThat(get(node, "/").body()).isEqualTo("<h1>our own chat</h1>");
            assertThat(get(node, "/main.js").body()).isEqualTo("connect()");
            assertThat(get(node, "/app.js").statusCode()).isEqualTo(200);
            assertThat(get(node, "/socket.io/?EIO=4&transport=polling").body()).startsWith("0{\"sid\"");
        }
    }

    @Test
    void insteadOfTheWebChatOnlyTheFolderAndTheApiAreServed() throws Exception {
        try (Node node = start(false)) {
            assertThat(get(node, "/").body()).isEqualTo("<h1>our own chat</h1>");
            assertThat(get(node, "/app.js").statusCode()).isEqualTo(404);
            assertThat(get(node, "/socket.io/?EIO=4&transport=polling").body()).startsWith("0{\"sid\"");
            assertThat(get(node, "/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aFrontEndOnAnotherOriginLogsInThroughTheApiWhenItsOriginIsAllowed() throws Exception {
        String origin = "https://chat.example";
        try (Node node = Node.start(TestNodes.settings(dir.resolve("data")).with(Keys.AUTH, AuthMode.GUEST)
                .with(Keys.CORS_ORIGIN, List.of(origin)).with(Keys.CORS_CREDENTIALS, true))) {
            URI login = URI.create("http://127.0.0.1:" + node.port() + "/login");
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(login)
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type").build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> loggedIn = http.send(HttpRequest.newBuilder(login).header("Origin", origin)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("access-control-allow-headers")).hasValue("content-type");
            assertThat(loggedIn.statusCode()).isEqualTo(200);
            assertThat(loggedIn.headers().firstValue("access-control-allow-origin")).hasValue(origin);
            assertThat(loggedIn.headers().firstValue("access-control-allow-credentials")).hasValue("true");
            assertThat(loggedIn.headers().firstValue("set-cookie")).isPresent();
        }
    }
}
