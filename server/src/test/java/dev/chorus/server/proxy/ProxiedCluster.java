package dev.chorus.server.proxy;

import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.cluster.NodeProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis, three node processes (routes a, b, c; XMPP for {@link #DOMAIN} on ports of their own) and a real proxy
 * running a configuration of {@code deploy/} in front of them, for the proxy tests. The node list may be changed (a
 * node restarted in its place).
 */
final class ProxiedCluster implements AutoCloseable {
    private static final List<String> ROUTES = List.of("a", "b", "c");
    static final String DOMAIN = "chorus.test";

    private final RedisServer redis;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Integer> xmppPorts = new ArrayList<>();
    private final List<Path> certificates = new ArrayList<>();
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
                int port = RedisServer.freePort();
                int xmppPort = RedisServer.freePort();
                List<String> args = new ArrayList<>(List.of("--route", ROUTES.get(i), "--xmpp-domain", DOMAIN,
                        "--xmpp-port", Integer.toString(xmppPort)));
                args.addAll(List.of(nodeArgs));
                Path nodeDir = dir.resolve("node" + i);
                cluster.nodes.add(NodeProcess.startOnPort(nodeDir, cluster.redis.url(), port,
                        args.toArray(String[]::new)));
                cluster.xmppPorts.add(xmppPort);
                cluster.certificates.add(nodeDir.resolve("data-" + port).resolve("xmpp").resolve(DOMAIN + ".crt"));
            }
            cluster.proxy = ProxyProcess.start(kind, config, cluster.ports(), cluster.xmppPorts,
                    dir.resolve("proxy"));
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

    /** The certificates the nodes made for their XMPP streams (PEM), to be trusted by the tests' clients. */
    List<Path> certificates() {
        return certificates;
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
