package dev.chorus.cluster.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.cluster.testsupport.RedisServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NodeRegistryLookupTest {
    /** A node still starting serves requests before it has announced itself; it must find the others already. */
    @Test
    void aNodeWithoutARegistryOfItsOwnFindsTheLiveNodes() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisBackbone backbone = RedisBackbone.connect(redis.url())) {
            ClusterNode holder = new ClusterNode("node-a", "127.0.0.1:9001", "a", 1L);
            NodeRegistry announced = new NodeRegistry(backbone, "test:", holder);
            announced.start().get(10, TimeUnit.SECONDS);
            try {
                assertThat(NodeRegistry.findLive(backbone, "test:", "node-a").get(10, TimeUnit.SECONDS))
                        .isEqualTo(holder);
                assertThat(NodeRegistry.findLive(backbone, "test:", "node-b").get(10, TimeUnit.SECONDS))
                        .as("a node never announced").isNull();
                assertThat(NodeRegistry.findLive(backbone, "other:", "node-a").get(10, TimeUnit.SECONDS))
                        .as("another cluster's keys").isNull();
            } finally {
                announced.close();
            }
        }
    }
}
