package dev.chorus.server.xmpp;

import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import dev.chorus.server.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The node of a class of XMPP tests ({@code @RegisterExtension static}): started before its tests for
 * {@link SmackClients#DOMAIN}, on a data directory of its own, with Smack clients that trust the certificate it made
 * there; closed, and its directory removed, after them.
 */
final class OneXmppNode implements BeforeAllCallback, AfterAllCallback {
    private final UnaryOperator<Settings> settings;
    private Path data;
    private Node node;
    private SmackClients smack;

    OneXmppNode() {
        this(UnaryOperator.identity());
    }

    /** @param settings what the tests change of the test nodes' settings */
    OneXmppNode(UnaryOperator<Settings> settings) {
        this.settings = settings;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        data = Files.createTempDirectory("chorus-xmpp-");
        node = Node.start(settings.apply(TestNodes.settings(data).with(Keys.XMPP_DOMAIN, SmackClients.DOMAIN)));
        smack = SmackClients.of(node, data);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        node.close();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** The node's HTTP port. */
    int port() {
        return node.port();
    }

    /** The node's XMPP port (STARTTLS). */
    int xmppPort() {
        return node.xmppPort();
    }

    SmackClients smack() {
        return smack;
    }
}
