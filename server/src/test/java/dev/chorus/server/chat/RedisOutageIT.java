package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.chat.web.AuthApiHandler.AuthMode;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis stopped and started again under traffic: the nodes say they are not ready meanwhile, keep their sockets,
 * come back by themselves, and every message a client got an acknowledgement for is in the history and was
 * delivered.
 */
class RedisOutageIT {
    @TempDir
    Path data;

    @Test
    void nodesRideOutARedisRestartWithoutLosingAcknowledgedMessages() throws Exception {
        OkHttpClient okHttp = new OkHttpClient.Builder().readTimeout(1, TimeUnit.MINUTES).build();
        HttpClient http = HttpClient.newHttpClient();
        try (RedisServer redis = RedisServer.start();
                Node first = start(redis, data.resolve("a"));
                Node second = start(redis, data.resolve("b"))) {
            ChatClient alice = ChatClient.connect(okHttp, first.port(),
                    new AuthApi(http, first.port()).guestLogin("alice").session()).get(10, TimeUnit.SECONDS);
            ChatClient bob = ChatClient.connect(okHttp, second.port(),
                    new AuthApi(http, second.port()).guestLogin("bob").session()).get(10, TimeUnit.SECONDS);
            alice.call("join", Map.of("room", "ops"));
            bob.call("join", Map.of("room", "ops"));

            List<Long> acked = new ArrayList<>();
            int failed = 0;
            boolean sawNotReady = false;
            long restartAt = 0;
            for (int i = 0; i < 60; i++) {
                if (i == 20) {
                    redis.stop();
                    restartAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                }
                if (restartAt != 0 && System.nanoTime() >= restartAt) {
                    sawNotReady |= health(http, first.port()) == 503;
                    redis.startProcess();
                    restartAt = 0;
                }
                try {
                    JsonNode reply = alice.call("message", Map.of("room", "ops", "text", "m" + i));
                    if (reply.has("id")) {
                        acked.add(reply.path("id").asLong());
                    } else {
                        failed++;
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    failed++;
                }
                Thread.sleep(50);
            }
            assertThat(sawNotReady).as("/health said 503 while Redis was away").isTrue();
            assertThat(alice.connected()).as("sockets stay open").isTrue();
            assertThat(bob.connected()).isTrue();
            await().atMost(Duration.ofSeconds(15)).until(() -> health(http, first.port()) == 200
                    && health(http, second.port()) == 200);
            assertThat(acked.size()).as("most messages went through (%s failed)", failed).isGreaterThan(40);

            JsonNode history = bob.call("history", Map.of("room", "ops", "limit", 100));
            Set<Long> stored = new HashSet<>();
            history.path("messages").forEach(m -> stored.add(m.path("id").asLong()));
            assertThat(stored).containsAll(acked);

            Set<Long> delivered = new HashSet<>();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                bob.pendingMessages().forEach(m -> delivered.add(m.path("id").asLong()));
                assertThat(delivered).containsAll(acked);
            });
            alice.close();
            bob.close();
        } finally {
            okHttp.dispatcher().executorService().shutdown();
        }
    }

    private static Node start(RedisServer redis, Path dir) throws InterruptedException {
        return Node.start(new Node.Settings("127.0.0.1", 0, dir, AuthMode.GUEST, AuthApi.COOKIE, false,
                Duration.ofHours(1), Duration.ofHours(24), 1000, 65536, 5, 1000, 1000, List.of(), false,
                Duration.ofMinutes(2)).inCluster(redis.url(), null));
    }

    private static int health(HttpClient http, int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
