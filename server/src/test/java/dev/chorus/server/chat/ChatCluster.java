package dev.chorus.server.chat;

import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Nodes in one real Redis, in this JVM, on loopback, where users log in with passwords. */
final class ChatCluster implements AutoCloseable {
    private final RedisServer redis;
    private final List<Node> nodes = new ArrayList<>();

    private ChatCluster(RedisServer redis) {
        this.redis = redis;
    }

    /** Starts Redis and {@code size} nodes, routes route0, route1…, their data under {@code data}. */
    static ChatCluster start(Path data, int size) throws InterruptedException {
        ChatCluster cluster = new ChatCluster(RedisServer.start());
        for (int i = 0; i < size; i++) {
            cluster.nodes.add(Node.start(TestNodes.settings(data.resolve("node" + i))
                    .with(Keys.REDIS, cluster.redis.url())
                    .with(Keys.ROUTE, "route" + i)));
        }
        return cluster;
    }

    Node node(int index) {
        return nodes.get(index);
    }

    RedisServer redis() {
        return redis;
    }

    @Override
    public void close() {
        nodes.forEach(Node::close);
        redis.close();
    }
}
