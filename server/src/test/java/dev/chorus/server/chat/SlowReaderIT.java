package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.internal.PlatformDependent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading and keeps asking for history (each page some megabytes) must not make the node buffer
 * without bound: its connection is cut once the node holds {@code max-queued-bytes} for it, while the others chat
 * on, undelayed.
 */
class SlowReaderIT {
    private static final String BIG = "x".repeat(60_000);
    private static final int STORED = 30;
    /** Bounded: 200 requests, one every 25 ms; each asks for all of the room's 1.8 MB. */
    private static final int REQUESTS = 200;

    private final HttpClient http = HttpClient.newHttpClient();
    private final OkHttpClient okHttp = new OkHttpClient();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();
    }

    @Test
    void aClientThatStopsReadingIsCutBeforeItCostsTheNodeAndOthersChatOn() throws Exception {
        try (TestChatNode node = TestChatNode.start(dir, 10, 10_000, 10_000);
                ChatClient alice = client(node, "alice");
                ChatClient carol = client(node, "carol");
                ChatClient dave = client(node, "dave")) {
            alice.call("join", Map.of("room", "archive"));
            for (int i = 0; i < STORED; i++) {
                assertThat(alice.call("message", Map.of("room", "archive", "text", BIG)).has("id")).isTrue();
            }
            carol.call("join", Map.of("room", "lobby"));
            dave.call("join", Map.of("room", "lobby"));
            RawSocketIo bob = RawSocketIo.open(http, node.port(), session(node.register("bob")));
            bob.send("40");
            assertThat(bob.next()).startsWith("40{");
            assertThat(sockets(node)).isEqualTo(4);
            bob.stopReading();

            long before = PlatformDependent.usedDirectMemory();
            long peak = 0;
            long slowest = 0;
            for (int i = 1; i <= REQUESTS; i++) {
                try {
                    bob.send("42" + i + "[\"history\",{\"room\":\"archive\",\"limit\":100}]");
                } catch (Exception cut) {
                    break;
                }
                if (i % 20 == 0) {
                    long sent = System.nanoTime();
                    carol.call("message", Map.of("room", "lobby", "text", "still here " + i));
                    dave.nextMessage();
                    slowest = Math.max(slowest, System.nanoTime() - sent);
                }
                peak = Math.max(peak, PlatformDependent.usedDirectMemory() - before);
                Thread.sleep(25);
            }

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sockets(node))
                    .as("the reader that stopped is cut").isEqualTo(3));
            assertThat(peak).as("direct memory the node took meanwhile").isLessThan(300L << 20);
            assertThat(Duration.ofNanos(slowest)).as("the others' messages meanwhile").isLessThan(Duration.ofSeconds(2));
            bob.close();
        }
    }

    private ChatClient client(TestChatNode node, String user) throws Exception {
        return ChatClient.connect(okHttp, node.port(), session(node.register(user))).get();
    }

    /** The session id of a {@code name=value} cookie. */
    private static String session(String cookie) {
        return cookie.substring(cookie.indexOf('=') + 1);
    }

    private double sockets(TestChatNode node) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(line -> line.startsWith("chorus_sockets{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
