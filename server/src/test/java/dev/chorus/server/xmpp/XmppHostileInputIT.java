package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chorus.server.config.Keys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.SmackException.NotConnectedException;
import org.jivesoftware.smack.XMPPException.StreamErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * Hostile input over a real TCP stream: each attack gets its stream error and the stream ends; the node keeps
 * serving — after each one, a user logs in and is answered.
 */
class XmppHostileInputIT {
    private static final String OPEN = "<?xml version='1.0'?><stream:stream to='" + SmackClients.DOMAIN
            + "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

    @RegisterExtension
    static final OneXmppNode node = new OneXmppNode(settings -> settings.with(Keys.LOGIN_FAILURES, 3));

    @AfterEach
    void theNodeStillServes() throws Exception {
        String user = "witness" + System.nanoTime() % 100_000;
        register(node.port(), user);
        XMPPTCPConnection witness = node.smack().connection(user, WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        try {
            witness.connect().login();
            IQ pong = witness.createStanzaCollectorAndSend(new Ping(JidCreate.from(SmackClients.DOMAIN)))
                    .nextResultOrThrow();
            assertThat(pong.getType()).isEqualTo(IQ.Type.result);
        } finally {
            witness.disconnect();
        }
    }

    @Test
    void aBillionLaughsIsRefusedUnexpanded() throws Exception {
        StringBuilder laughs = new StringBuilder("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>");
        for (int i = 1; i <= 9; i++) {
            laughs.append("<!ENTITY lol").append(i).append(" '").append(("&lol" + (i == 1 ? "" : i - 1) + ";")
                    .repeat(10)).append("'>");
        }
        laughs.append("]>").append(OPEN.substring(OPEN.indexOf("?>") + 2)).append("<message>&lol9;</message>");

        assertThat(answer(laughs.toString().getBytes(StandardCharsets.UTF_8)))
                .containsAnyOf("<restricted-xml", "<not-well-formed").endsWith("</stream:stream>");
    }

    @Test
    void aDtdInTheStreamIsRefused() throws Exception {
        assertThat(answer(("<?xml version='1.0'?><!DOCTYPE stream [<!ELEMENT stream ANY>]>"
                + OPEN.substring(OPEN.indexOf("?>") + 2)).getBytes(StandardCharsets.UTF_8)))
                .containsAnyOf("<restricted-xml", "<not-well-formed");
    }

    @Test
    void commentsAndProcessingInstructionsAreRefused() throws Exception {
        assertThat(answer((OPEN + "<!-- hello -->").getBytes(StandardCharsets.UTF_8))).contains("<restricted-xml");
        assertThat(answer((OPEN + "<presence><?php echo 1; ?></presence>").getBytes(StandardCharsets.UTF_8)))
                .contains("<restricted-xml");
    }

    @Test
    void anOversizeStanzaIsCutOffAsItArrives() throws Exception {
        byte[] head = (OPEN + "<message><body>").getBytes(StandardCharsets.UTF_8);
        byte[] flood = new byte[200_000];
        Arrays.fill(flood, (byte) 'x');
        byte[] attack = new byte[head.length + flood.length];
        System.arraycopy(head, 0, attack, 0, head.length);
        System.arraycopy(flood, 0, attack, head.length, flood.length);

        assertThat(answer(attack)).contains("<policy-violation");
    }

    @Test
    void unclosedAndMismatchedElementsAreRefused() throws Exception {
        assertThat(answer((OPEN + "<message><body>never closed</message>").getBytes(StandardCharsets.UTF_8)))
                .contains("<not-well-formed");
    }

    @Test
    void bytesThatAreNoUtf8AreRefused() throws Exception {
        byte[] head = (OPEN + "<message><body>").getBytes(StandardCharsets.UTF_8);
        byte[] attack = new byte[head.length + 3];
        System.arraycopy(head, 0, attack, 0, head.length);
        attack[head.length] = (byte) 0xC3;
        attack[head.length + 1] = (byte) 0x28;
        attack[head.length + 2] = (byte) 0xFF;

        assertThat(answer(attack)).contains("<not-well-formed");
    }

    @Test
    void aFloodOfRequestsEndsTheStream() throws Exception {
        register(node.port(), "flooder");
        XMPPTCPConnection flooder = node.smack().connection("flooder", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        // Without stream management: Smack keeps a managed stream for resumption after an error, and then tells its
        // listeners nothing; what is checked here is the server's answer to the flood.
        flooder.setUseStreamManagement(false);
        CompletableFuture<Exception> closed = new CompletableFuture<>();
        flooder.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closed.complete(e);
            }
        });
        Thread flood = null;
        try {
            flooder.connect().login();
            // From a thread of its own: a stanza that waits for room in Smack's writer queue when the node ends the
            // stream is woken by the queue's shutdown, which Smack may miss; the test then interrupts the wait.
            flood = new Thread(() -> {
                try {
                    for (int i = 0; i < 2_000 && flooder.isConnected(); i++) {
                        flooder.sendStanza(new Ping(JidCreate.from(SmackClients.DOMAIN)));
                    }
                } catch (NotConnectedException | InterruptedException | XmppStringprepException e) {
                    // The node ended the stream under the flood.
                }
            }, "flooder");
            flood.start();

            assertThat(closed).succeedsWithin(Duration.ofSeconds(10)).isInstanceOfSatisfying(
                    StreamErrorException.class, error -> assertThat(error.getStreamError().getCondition())
                            .isEqualTo(StreamError.Condition.policy_violation));
        } finally {
            if (flood != null) {
                flood.interrupt();
                flood.join(Duration.ofSeconds(10).toMillis());
            }
            flooder.disconnect();
        }
    }

    @Test
    void aPasswordGuesserMeetsTheWebsLoginThrottle() throws Exception {
        register(node.port(), "target");
        for (int i = 0; i < 3; i++) {
            XMPPTCPConnection guesser = node.smack().connection("target", "guess-" + i, "desk", "SCRAM-SHA-1");
            try {
                guesser.connect();
                assertThatThrownBy(guesser::login).isInstanceOf(SASLErrorException.class)
                        .hasMessageContaining("not-authorized");
            } finally {
                guesser.disconnect();
            }
        }

        XMPPTCPConnection rightful = node.smack().connection("target", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        try {
            rightful.connect();
            assertThatThrownBy(rightful::login).as("the account's failures from this address are spent")
                    .isInstanceOf(SASLErrorException.class).hasMessageContaining("temporary-auth-failure");
        } finally {
            rightful.disconnect();
        }
    }

    /** Opens a plain TCP stream, sends the bytes, and reads what the node says until it closes the stream. */
    private static String answer(byte[] attack) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", node.xmppPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(attack);
                out.flush();
            } catch (IOException e) {
                // The node may close the stream before it has read all of an attack: what it said is still there.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream heard = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int read; (read = in.read(buffer)) != -1;) {
                    heard.write(buffer, 0, read);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the node did not close the stream; it said: " + heard, e);
            } catch (SocketException e) {
                // A reset after the stream error: the node closed before reading the rest of the attack.
            }
            return heard.toString(StandardCharsets.UTF_8);
        }
    }
}
