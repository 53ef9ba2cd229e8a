package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.server.config.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slowloris on a real node: 1 500 connections that never finish their request line are all closed, in time. */
class SlowClientsIT {
    private static final int CONNECTIONS = 1500;

    @TempDir
    Path dir;

    @Test
    void connectionsThatNeverFinishTheirRequestAreClosedWhileTheNodeServes() throws Exception {
        try (Node node = Node.start(TestNodes.settings(dir.resolve("data"))
                .with(Keys.REQUEST_TIMEOUT, Duration.ofSeconds(2)))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket socket = new Socket("127.0.0.1", node.port());
                    socket.getOutputStream().write("GET /health HT".getBytes(StandardCharsets.US_ASCII));
                    slow.add(socket);
                }
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.port() + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as("the node serves others meanwhile").isEqualTo(200);

                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                for (Socket socket : slow) {
                    assertThat(closedBy(socket, deadline)).as("closed by the node within 30 s").isTrue();
                }
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    /** Waits for the node to close the connection (end of stream, or a reset), until the deadline. */
    private static boolean closedBy(Socket socket, long deadline) throws Exception {
        InputStream in = socket.getInputStream();
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, Math.min(1000, (deadline - System.nanoTime()) / 1_000_000)));
            try {
                if (in.read() < 0) {
                    return true;
                }
            } catch (SocketTimeoutException stillOpen) {
                continue;
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }
}
