package dev.chorus.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.cluster.NodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lose nothing under repeated faults, as an operator would try it: three node processes behind HAProxy round robin
 * (no stickiness, health checks on {@code /health/ready}), official clients — half WebSocket only, half polling only
 * — chatting in rooms with client ids and {@code retries}, a node killed with {@code -9} every 30 s and started
 * again, and Redis (append-only file, fsync every second) restarted once. Every acknowledged message reaches every
 * client of its room, none twice, in order; every client is back in its room at the end; none is refused with "join
 * the room first" while it is in its room.
 */
class SoakIT {
    private static final long LOAD_MILLIS = 150_000;
    private static final long KILL_EVERY_MILLIS = 30_000;
    private static final long REDIS_RESTART_AT_MILLIS = 75_000;
    private static final long REDIS_DOWN_MILLIS = 7_000;
    private static final int CLIENTS = 120;

    @TempDir
    Path dir;
    @AutoClose
    private ProxiedCluster cluster;

    @Test
    void nothingAcknowledgedIsLostWhileNodesAreKilledAndRedisRestarts() throws Exception {
        cluster = ProxiedCluster.start(dir, RedisServer.startWith("--appendfsync", "everysec"),
                ProxyProcess.Kind.HAPROXY, "haproxy/haproxy-round-robin.cfg");
        Map<String, Object> config = Map.of(
                "proxyUrl", cluster.proxy().url(),
                "clients", CLIENTS,
                "rooms", 12,
                "transports", "mixed",
                "durationMs", LOAD_MILLIS,
                "settleMs", 30_000,
                "reloadEveryMs", 2000);
        List<String> faults = Collections.synchronizedList(new ArrayList<>());
        JsonNode result = run(config, mark -> faults(faults, mark));
        System.out.println("soak: " + faults + ": " + result);

        assertThat(result.path("error").isNull()).as("script error: %s", result.path("error")).isTrue();
        assertThat(result.path("connected").asInt()).as("every client back").isEqualTo(CLIENTS);
        assertThat(result.path("inRoom").asInt()).as("every client in its room").isEqualTo(CLIENTS);
        assertThat(result.path("messages").asInt()).as("clients kept chatting")
                .isGreaterThan((int) (CLIENTS * LOAD_MILLIS / 1000 * 0.7));
        assertThat(result.path("lost").asInt()).as("acknowledged messages a client of the room never got").isZero();
        assertThat(result.path("duplicated").asInt()).isZero();
        assertThat(result.path("outOfOrder").asInt()).isZero();
        assertThat(result.path("reconnects").asInt()).as("the faults were felt").isPositive();
        assertThat(result.path("caughtUp").asInt()).as("reloaded pages caught up through history").isPositive();
        // Without failing open every polling client is cut off while no node is ready; with it, none or a few at
        // the moment the nodes come back.
        assertThat(result.path("byFault").path("redis-restart").path("reconnects").asInt())
                .as("clients cut off by the Redis restart: the proxy fails open while no node is ready")
                .isLessThan(CLIENTS / 8);
        result.path("refusals").fieldNames().forEachRemaining(refusal ->
                assertThat(refusal).as("a send refused while its client was in the room").doesNotContain("(in the room)"));
    }

    /**
     * A node killed every 30 s, in turn, and started again; Redis restarted once from its append-only file, down
     * long enough for the proxy to find no node ready. Each fault is first named to the script ({@code mark}).
     */
    private void faults(List<String> done, Consumer<String> mark) {
        try {
            long started = System.nanoTime();
            boolean redisRestarted = false;
            int victim = 0;
            for (long at = KILL_EVERY_MILLIS; at < LOAD_MILLIS; at += KILL_EVERY_MILLIS) {
                if (!redisRestarted && at > REDIS_RESTART_AT_MILLIS) {
                    sleepUntil(started, REDIS_RESTART_AT_MILLIS);
                    mark.accept("MARK redis-restart");
                    watchReadiness(started, done, mark);
                    cluster.redis().stop();
                    done.add("redis stopped at " + elapsed(started) + " ms");
                    Thread.sleep(REDIS_DOWN_MILLIS);
                    cluster.redis().startProcess();
                    done.add("redis restarted at " + elapsed(started) + " ms");
                    redisRestarted = true;
                }
                sleepUntil(started, at);
                int index = victim++ % cluster.nodes().size();
                NodeProcess node = cluster.nodes().get(index);
                mark.accept("MARK node-killed");
                node.kill();
                done.add("node " + index + " killed at " + elapsed(started) + " ms");
                Thread.sleep(2000);
                cluster.nodes().set(index, node.restart());
                done.add("node " + index + " ready at " + elapsed(started) + " ms");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Notes when each node stops and starts saying it is ready, through the Redis restart and a while after, and tells
     * the script when the first is ready again.
     */
    private void watchReadiness(long started, List<String> done, Consumer<String> mark) {
        List<Integer> ports = cluster.nodes().stream().map(NodeProcess::port).toList();
        Thread watcher = new Thread(() -> {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
            Boolean[] ready = new Boolean[ports.size()];
            boolean noneReady = false;
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REDIS_DOWN_MILLIS + 10_000);
            while (System.nanoTime() < until) {
                for (int i = 0; i < ports.size(); i++) {
                    boolean now = isReady(http, ports.get(i));
                    if (ready[i] != null && ready[i] != now) {
                        done.add("node " + i + (now ? " ready" : " not ready") + " at " + elapsed(started) + " ms");
                    }
                    ready[i] = now;
                }
                boolean anyReady = List.of(ready).contains(Boolean.TRUE);
                if (noneReady && anyReady) {
                    mark.accept("READY redis-restart");
                }
                noneReady = !anyReady;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "soak-readiness");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static boolean isReady(HttpClient http, int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleepUntil(long started, long atMillis) throws InterruptedException {
        long wait = atMillis - elapsed(started);
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private static long elapsed(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** Runs soak.js; once its clients are in, runs {@code faults} beside it, with a way to tell the script lines. */
    private JsonNode run(Map<String, Object> config, Consumer<Consumer<String>> faults) throws Exception {
        return NodeScript.run("soak.js", "SOAK", config, in -> faults.accept(line -> {
            synchronized (in) {
                try {
                    in.write(line + "\n");
                    in.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }), Duration.ofSeconds(240));
    }
}
