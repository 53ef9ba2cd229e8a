package dev.chorus.xmpp.stream;

import dev.chorus.xmpp.sasl.PlainMechanism;
import dev.chorus.xmpp.sasl.SaslAuthenticator;
import dev.chorus.xmpp.sasl.ScramCredential;
import dev.chorus.xmpp.sasl.ScramHash;
import dev.chorus.xmpp.xml.XmlElement;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** One account, alice with {@link #PASSWORD}, and a binder that records what its resources are sent. */
final class TestAccounts implements SaslAuthenticator, ResourceBinder {
    static final String PASSWORD = "correct horse";
    static final byte[] SALT = "pepper and salt!".getBytes(StandardCharsets.UTF_8);
    static final int ITERATIONS = 4096;

    final List<XmlElement> handled = new ArrayList<>();
    final List<String> finished = new ArrayList<>();
    /** What each bind was given to send to its resource, in order. */
    final List<XmppClient> clients = new ArrayList<>();
    int closed;
    int moved;
    /** What each restore was given as the resource's state. */
    final List<String> restored = new ArrayList<>();

    @Override
    public List<String> mechanisms(boolean protectedStream) {
        return protectedStream ? List.of("SCRAM-SHA-256", "SCRAM-SHA-1", PlainMechanism.NAME)
                : List.of("SCRAM-SHA-256", "SCRAM-SHA-1");
    }

    @Override
    public CompletableFuture<String> checkPassword(String username, String password, String client) {
        return CompletableFuture.completedFuture(username.equalsIgnoreCase("alice") && password.equals(PASSWORD)
                ? "Alice" : null);
    }

    @Override
    public CompletableFuture<ScramCredential> scramCredential(String username, ScramHash hash, String client) {
        return CompletableFuture.completedFuture(credential(hash, username.equals("alice") ? PASSWORD : "?"));
    }

    @Override
    public CompletableFuture<String> scramFinished(String username, boolean proofMatched, String client) {
        finished.add(username + ":" + proofMatched);
        return CompletableFuture.completedFuture(proofMatched ? "Alice" : null);
    }

    @Override
    public CompletableFuture<Binding> bind(XmppClient client, String username, String requested) {
        if ("taken".equals(requested)) {
            return CompletableFuture.failedFuture(new BindRefusedException(StanzaError.RESOURCE_CONSTRAINT,
                    "too many"));
        }
        clients.add(client);
        return CompletableFuture.completedFuture(new Binding(requested == null ? "given" : requested, handler()));
    }

    @Override
    public CompletableFuture<Binding> restore(XmppClient client, String username, String resource, String state) {
        clients.add(client);
        restored.add(state);
        return CompletableFuture.completedFuture(new Binding(resource, handler()));
    }

    private StanzaHandler handler() {
        return new StanzaHandler() {
            @Override
            public boolean handle(XmlElement stanza) {
                handled.add(stanza);
                return stanza.name().equals("message");
            }

            @Override
            public void closed() {
                closed++;
            }

            @Override
            public void moved() {
                moved++;
            }

            @Override
            public String state() {
                return "state of " + handled.size();
            }
        };
    }

    static ScramCredential credential(ScramHash hash, String password) {
        byte[] salted = saltedPassword(hash, password);
        return new ScramCredential(SALT, ITERATIONS, digest(hash, hmac(hash, salted, "Client Key")),
                hmac(hash, salted, "Server Key"));
    }

    static byte[] saltedPassword(ScramHash hash, String password) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), SALT, ITERATIONS,
                    hash == ScramHash.SHA_1 ? 160 : 256);
            return SecretKeyFactory.getInstance(hash == ScramHash.SHA_1 ? "PBKDF2WithHmacSHA1"
                    : "PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(ScramHash hash, byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance(hash.mac());
            mac.init(new SecretKeySpec(key, hash.mac()));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] digest(ScramHash hash, byte[] data) {
        try {
            return MessageDigest.getInstance(hash.digest()).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
