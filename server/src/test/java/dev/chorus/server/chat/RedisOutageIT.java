package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.chat.web.AuthMode;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis stopped and started again under traffic: the nodes wait a short restart out (still ready: every node shares
 * that Redis), keep their sockets, come back by themselves, and every message a client got an acknowledgement for is
 * in the history and was delivered. A Redis away for longer makes them say they are not ready.
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
            List<String> failures = new ArrayList<>();
            AtomicBoolean sawNotReady = new AtomicBoolean();
            AtomicBoolean sawReady = new AtomicBoolean();
            Thread restart = new Thread(() -> {
                try {
                    redis.stop();
                    long startAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    while (System.nanoTime() < startAt) {
                        int health = health(http, first.port());
                        sawNotReady.compareAndSet(false, health == 503);
                        sawReady.compareAndSet(false, health == 200);
                        Thread.sleep(100);
                    }
                    redis.startProcess();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < 60; i++) {
                if (i == 20) {
                    restart.start();
                }
                try {
                    JsonNode reply = alice.call("message", Map.of("room", "ops", "text", "m" + i));
                    if (reply.has("id")) {
                        acked.add(reply.path("id").asLong());
                    } else {
                        failures.add("m" + i + ": " + reply);
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    failures.add("m" + i + ": no answer");
                }
                Thread.sleep(50);
            }
            restart.join();
            assertThat(sawReady).as("/health was asked while Redis was away").isTrue();
            assertThat(sawNotReady).as("a restart of 2 s is waited out, not reported").isFalse();
            assertThat(failures).as("messages refused or unanswered across the restart: they wait for Redis")
                    .isEmpty();
            assertThat(alice.connected()).as("sockets stay open").isTrue();
            assertThat(bob.connected()).isTrue();
            await().atMost(Duration.ofSeconds(15)).until(() -> health(http, first.port()) == 200
                    && health(http, second.port()) == 200);

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

    @Test
    void aNodeSaysItIsNotReadyOnceRedisHasBeenAwayForLong() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (RedisServer redis = RedisServer.start(); Node node = start(redis, data.resolve("long"))) {
            redis.stop();
            long stopped = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> health(http, node.port()) == 503);
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).as("ready through a restart's few seconds")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
            redis.startProcess();
            await().atMost(Duration.ofSeconds(15)).until(() -> health(http, node.port()) == 200);
        }
    }

    /**
     * A node started while its Redis is down (both restarted after a power cut, say) listens at once, alive but not
     * ready, and starts serving once Redis is there.
     */
    @Test
    void aNodeStartedBeforeItsRedisWaitsForIt() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        int redisPort = RedisServer.freePort();
        int port = RedisServer.freePort();
        CompletableFuture<Node> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return start("redis://127.0.0.1:" + redisPort, port, data.resolve("early"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                    .until(() -> status(http, port, "/health/live") == 200);
            assertThat(status(http, port, "/health/ready")).isEqualTo(503);
            assertThat(status(http, port, "/health")).isEqualTo(503);
            assertThat(status(http, port, "/")).as("nothing is served yet").isEqualTo(503);
            Thread.sleep(1500);
            assertThat(starting).as("still waiting, not given up").isNotDone();

            try (RedisServer redis = RedisServer.startOn(redisPort);
                    Node node = starting.get(30, TimeUnit.SECONDS)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> status(http, port, "/health/ready") == 200);
                assertThat(new AuthApi(http, node.port()).guestLogin("early").session()).isNotBlank();
            }
        } finally {
            starting.cancel(true);
        }
    }

    private static Node start(RedisServer redis, Path dir) throws InterruptedException {
        return start(redis.url(), 0, dir);
    }

    private static Node start(String redisUrl, int port, Path dir) throws InterruptedException {
        return Node.start(TestNodes.settings(dir)
                .with(Keys.HISTORY_SIZE, 1000)
                .with(Keys.PORT, port)
                .with(Keys.AUTH, AuthMode.GUEST)
                .with(Keys.MESSAGE_RATE, 1000.0)
                .with(Keys.MESSAGE_BURST, 1000)
                .with(Keys.REDIS, redisUrl));
    }

    private static int status(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int health(HttpClient http, int port) throws Exception {
        return status(http, port, "/health");
    }
}
