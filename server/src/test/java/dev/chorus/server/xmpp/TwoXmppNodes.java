package dev.chorus.server.xmpp;

import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import dev.chorus.server.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The cluster of a class of XMPP tests ({@code @RegisterExtension static}): a real Redis and two nodes in it, for
 * {@link SmackClients#DOMAIN}, each with Smack clients that trust the certificate it made; closed, and their
 * directories removed, after the tests.
 */
final class TwoXmppNodes implements BeforeAllCallback, AfterAllCallback {
    private final UnaryOperator<Settings> settings;
    private final List<Node> nodes = new ArrayList<>();
    private final List<SmackClients> clients = new ArrayList<>();
    private RedisServer redis;
    private Path data;

    /** @param settings what the tests change of the test nodes' settings */
    TwoXmppNodes(UnaryOperator<Settings> settings) {
        this.settings = settings;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        data = Files.createTempDirectory("chorus-xmpp-cluster-");
        redis = RedisServer.start();
        for (int i = 0; i < 2; i++) {
            Path dir = data.resolve("node" + i);
            Node node = Node.start(settings.apply(TestNodes.settings(dir).with(Keys.REDIS, redis.url())
                    .with(Keys.ROUTE, "route" + i).with(Keys.XMPP_DOMAIN, SmackClients.DOMAIN)));
            nodes.add(node);
            clients.add(SmackClients.of(node, dir));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        nodes.forEach(Node::close);
        redis.close();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    Node node(int index) {
        return nodes.get(index);
    }

    /** Smack clients of node {@code index}. */
    SmackClients smack(int index) {
        return clients.get(index);
    }

    String redisUrl() {
        return redis.url();
    }
}
