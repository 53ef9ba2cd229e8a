package dev.chorus.cluster.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.cluster.testsupport.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A dead node's purges: the immediate ones when it is found dead, once in the cluster; a waiting one when it is due,
 * on a node alive then — even when the node that found the death is gone by then.
 */
class NodeRegistryPurgeTest {
    private static final Duration WAIT = Duration.ofSeconds(3);

    @Test
    void aWaitingPurgeRunsOnceWhenDueOnANodeAliveThen() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisBackbone backbone = RedisBackbone.connect(redis.url())) {
            List<String> now = new CopyOnWriteArrayList<>();
            List<String> later = new CopyOnWriteArrayList<>();
            backbone.strings().hset("test:nodes", Map.of("dead", "{\"id\":\"dead\",\"address\":\"127.0.0.1:1\","
                    + "\"route\":\"dead\",\"startedAt\":1}")).get(10, TimeUnit.SECONDS);
            NodeRegistry finder = registry(backbone, "finder", now, later);
            assertThat(finder.liveNodes().get(10, TimeUnit.SECONDS)).extracting(ClusterNode::id)
                    .containsExactly("finder");
            await().atMost(Duration.ofSeconds(5)).until(() -> now.contains("finder dead"));
            long foundDead = System.nanoTime();
            finder.close();
            NodeRegistry survivor = registry(backbone, "survivor", now, later);
            try {
                await().atMost(WAIT.plusSeconds(5)).until(() -> !ofTheDeadNode(later).isEmpty());
                assertThat(Duration.ofNanos(System.nanoTime() - foundDead)).as("not before it is due")
                        .isGreaterThanOrEqualTo(WAIT.minusMillis(100));
                Thread.sleep(2_000);
                assertThat(ofTheDeadNode(now)).as("the immediate purge, once").containsExactly("finder dead");
                assertThat(ofTheDeadNode(later)).as("the waiting one, once, by the node alive then")
                        .containsExactly("survivor dead");
                assertThat(backbone.strings().hexists("test:nodes", "dead").get(10, TimeUnit.SECONDS))
                        .as("struck from the cluster when found dead, not when the waiting purge ran").isFalse();
            } finally {
                survivor.close();
            }
        }
    }

    /** The purges of the node that died first (the finder, closed without leaving, dies too). */
    private static List<String> ofTheDeadNode(List<String> purges) {
        return purges.stream().filter(purge -> purge.endsWith(" dead")).toList();
    }

    private static NodeRegistry registry(RedisBackbone backbone, String id, List<String> now, List<String> later)
            throws Exception {
        NodeRegistry registry = new NodeRegistry(backbone, "test:", new ClusterNode(id, "127.0.0.1:2", id,
                System.currentTimeMillis()));
        registry.onNodeDead(dead -> {
            now.add(id + " " + dead);
            return CompletableFuture.completedFuture(null);
        });
        registry.onNodeDead("later", WAIT, dead -> {
            later.add(id + " " + dead);
            return CompletableFuture.completedFuture(null);
        });
        registry.start().get(10, TimeUnit.SECONDS);
        return registry;
    }
}
