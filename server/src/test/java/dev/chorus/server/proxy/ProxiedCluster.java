package dev.chorus.server.proxy;

import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.cluster.NodeProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis, three node processes (routes a, b, c) and a real proxy running a configuration of {@code deploy/} in front
 * of them, for the proxy tests. The node list may be changed (a node restarted in its place).
 */
final class ProxiedCluster implements AutoCloseable {
    private static final List<String> ROUTES = List.of("a", "b", "c");

    private final RedisServer redis;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private ProxyProcess proxy;

    private ProxiedCluster(RedisServer redis) {
        this.redis = redis;
    }

    /** @param nodeArgs flags every node is started with, beside its route */
    static ProxiedCluster start(Path dir, ProxyProcess.Kind kind, String config, String... nodeArgs)
            throws Exception {
        return start(dir, RedisServer.start(), kind, config, nodeArgs);
    }

    /** The same in a Redis of the caller's, which the cluster closes. */
    static ProxiedCluster start(Path dir, RedisServer redis, ProxyProcess.Kind kind, String config,
            String... nodeArgs) throws Exception {
        ProxiedCluster cluster = new ProxiedCluster(redis);
        try {
            for (int i = 0; i < ROUTES.size(); i++) {
                List<String> args = new ArrayList<>(List.of("--route", ROUTES.get(i)));
                args.addAll(List.of(nodeArgs));
                cluster.nodes.add(NodeProcess.startOnPort(dir.resolve("node" + i), cluster.redis.url(),
                        RedisServer.freePort(), args.toArray(String[]::new)));
            }
            cluster.proxy = ProxyProcess.start(kind, config, cluster.ports(), dir.resolve("proxy"));
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    List<NodeProcess> nodes() {
        return nodes;
    }

    List<Integer> ports() {
        return nodes.stream().map(NodeProcess::port).toList();
    }

    ProxyProcess proxy() {
        return proxy;
    }

    RedisServer redis() {
        return redis;
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        nodes.forEach(NodeProcess::close);
        redis.close();
    }
}
