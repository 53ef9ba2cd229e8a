package dev.chorus.server.xmpp;

import dev.chorus.server.Node;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/** Smack, an XMPP client as applications embed it, set up for a test node: STARTTLS trusting its own certificate. */
final class SmackClients {
    /** The XMPP domain of the tests' nodes, which their certificates name. */
    static final String DOMAIN = "chorus.test";

    private final String domain;
    private final int port;
    private final X509TrustManager trust;

    /** @param certificate the node's certificate (PEM): the one thing these clients trust */
    SmackClients(String domain, int port, Path certificate) throws Exception {
        this.domain = domain;
        this.port = port;
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            store.setCertificateEntry("node", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        this.trust = (X509TrustManager) factory.getTrustManagers()[0];
    }

    /** Clients of a node started on {@code data} for {@link #DOMAIN}, trusting the certificate it made there. */
    static SmackClients of(Node node, Path data) throws Exception {
        return new SmackClients(DOMAIN, node.xmppPort(), data.resolve("xmpp").resolve(DOMAIN + ".crt"));
    }

    /** A connection that must start TLS, not connected yet. */
    XMPPTCPConnection connection(String user, String password, String resource, String... mechanisms)
            throws Exception {
        XMPPTCPConnectionConfiguration.Builder config = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(domain)
                .setHost("127.0.0.1")
                .setPort(port)
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(trust)
                .setUsernameAndPassword(user, password)
                .setResource(resource)
                .setSendPresence(false);
        for (String mechanism : mechanisms) {
            config.addEnabledSaslMechanism(mechanism);
        }
        XMPPTCPConnection connection = new XMPPTCPConnection(config.build());
        connection.setReplyTimeout(10_000);
        return connection;
    }
}
