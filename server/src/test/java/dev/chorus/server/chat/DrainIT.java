package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.chat.web.AuthMode;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node draining (SIGTERM): not ready, no new sessions, its clients' connections closed so that they go elsewhere. */
class DrainIT {
    @TempDir
    Path data;

    @Test
    void aDrainingNodeIsNotReadyTakesNoNewSessionsAndLetsItsClientsGo() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (Node node = Node.start(TestNodes.settings(data)
                .with(Keys.AUTH, AuthMode.GUEST))) {
            String session = new AuthApi(http, node.port()).guestLogin("alice").session();
            RawSocketIo alice = RawSocketIo.open(http, node.port(), session);
            alice.send("40");
            assertThat(alice.next()).startsWith("40{");
            assertThat(status(http, node, "/health/ready")).isEqualTo(200);

            CompletableFuture<Void> draining = CompletableFuture.runAsync(() -> {
                try {
                    node.drain();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> status(http, node, "/health/ready") == 503);
            assertThat(status(http, node, "/health")).isEqualTo(503);
            assertThat(status(http, node, "/health/live")).isEqualTo(200);
            assertThat(status(http, node, "/socket.io/?EIO=4&transport=polling"))
                    .as("a new session goes to another node").isEqualTo(503);

            assertThat(alice.closedByServer().get(10, TimeUnit.SECONDS)).as("a normal close: the client comes back")
                    .isEqualTo(1000);
            draining.get(30, TimeUnit.SECONDS);
        }
    }

    private static int status(HttpClient http, Node node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
