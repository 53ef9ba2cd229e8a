package dev.chorus.server.xmpp;

import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.cluster.NodeProcess;
import dev.chorus.server.config.Keys;
import java.nio.file.Path;

/**
 * Two nodes in one Redis, for {@link SmackClients#DOMAIN}, to kill one: the survivor runs in this JVM, the victim
 * in a process of its own (password logins, its XMPP port chosen here, the survivor's certificate), which a test
 * can SIGKILL.
 */
final class SurvivorAndVictim implements AutoCloseable {
    private final RedisServer redis;
    private final Node survivor;
    private final NodeProcess victim;
    private final int victimXmppPort;
    private final Path data;

    private SurvivorAndVictim(RedisServer redis, Node survivor, NodeProcess victim, int victimXmppPort, Path data) {
        this.redis = redis;
        this.survivor = survivor;
        this.victim = victim;
        this.victimXmppPort = victimXmppPort;
        this.data = data;
    }

    /** Starts both, the survivor's data under {@code data/survivor}, the victim's under {@code data/victim}. */
    static SurvivorAndVictim start(Path data) throws Exception {
        RedisServer redis = RedisServer.start();
        Node survivor = null;
        try {
            survivor = Node.start(TestNodes.settings(data.resolve("survivor")).with(Keys.REDIS, redis.url())
                    .with(Keys.ROUTE, "survivor").with(Keys.XMPP_DOMAIN, SmackClients.DOMAIN));
            int victimXmppPort = RedisServer.freePort();
            // One certificate for the cluster's domain, as a deployment has: a client resuming its stream on the
            // survivor trusts the server it reaches there.
            Path certificates = data.resolve("survivor").resolve("xmpp");
            NodeProcess victim = NodeProcess.start(data.resolve("victim"), redis.url(), "--auth", "password",
                    "--route", "victim", "--xmpp-domain", SmackClients.DOMAIN, "--xmpp-port",
                    Integer.toString(victimXmppPort), "--xmpp-certificate",
                    certificates.resolve(SmackClients.DOMAIN + ".crt").toString(), "--xmpp-certificate-key",
                    certificates.resolve(SmackClients.DOMAIN + ".key").toString());
            return new SurvivorAndVictim(redis, survivor, victim, victimXmppPort, data);
        } catch (Exception | Error e) {
            if (survivor != null) {
                survivor.close();
            }
            redis.close();
            throw e;
        }
    }

    Node survivor() {
        return survivor;
    }

    NodeProcess victim() {
        return victim;
    }

    int victimXmppPort() {
        return victimXmppPort;
    }

    /** The certificate both nodes serve XMPP streams with (PEM): the one the survivor made. */
    Path certificate() {
        return data.resolve("survivor").resolve("xmpp").resolve(SmackClients.DOMAIN + ".crt");
    }

    @Override
    public void close() {
        victim.close();
        survivor.close();
        redis.close();
    }
}
