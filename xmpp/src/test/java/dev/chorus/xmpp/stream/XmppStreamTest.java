package dev.chorus.xmpp.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.xmpp.sasl.ScramHash;
import dev.chorus.xmpp.tcp.TcpStreamHandler;
import dev.chorus.xmpp.xml.XmppStreamDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A client's stream over TCP, from its header to its stanzas: what it is offered, asked and answered. */
class XmppStreamTest {
    private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
    private static final Duration PING = Duration.ofSeconds(30);
    private static final int BURST = 50;

    private final TestAccounts accounts = new TestAccounts();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    XmppStreamTest() {
        channel.freezeTime();
        TcpStreamHandler.initialize(channel.pipeline(), new StreamServices(
                new StreamSettings("example.com", false, 3, Duration.ofSeconds(60), PING, 1, BURST), accounts,
                        accounts),
                null, null, XmppStreamDecoder.Limits.DEFAULTS);
        channel.pipeline().fireChannelActive();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void answersTheHeaderWithItsOwnAndOffersOnlyScramInTheClear() {
        String answer = send(HEADER);

        assertThat(answer).startsWith("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                + "xmlns:stream='http://etherx.jabber.org/streams' id='").contains("from='example.com' version='1.0'");
        assertThat(answer).endsWith("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                + "<mechanism>SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms>"
                + "</stream:features>");
    }

    @Test
    void refusesPlainWhereAnyoneCouldReadThePassword() {
        send(HEADER);

        assertThat(send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                + base64("\0alice\0" + TestAccounts.PASSWORD) + "</auth>"))
                .isEqualTo("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><encryption-required/></failure>");
    }

    @ParameterizedTest
    @EnumSource(ScramHash.class)
    void logsInWithScramThenBindsAResource(ScramHash hash) {
        send(HEADER);
        scramLogin(hash, TestAccounts.PASSWORD);

        String restarted = send(HEADER);
        assertThat(restarted).endsWith("<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session></stream:features>");
        assertThat(send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>phone</resource></bind></iq>"))
                .isEqualTo("<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                        + "<jid>alice@example.com/phone</jid></bind></iq>");
    }

    @Test
    void aWrongProofFailsAndTheThirdFailureEndsTheStream() {
        send(HEADER);
        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(scramLogin(ScramHash.SHA_1, "wrong password"))
                    .isEqualTo("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
        }
        assertThat(scramLogin(ScramHash.SHA_1, "wrong password")).endsWith("<failure xmlns='urn:ietf:params:xml:"
                + "ns:xmpp-sasl'><not-authorized/></failure><stream:error><policy-violation xmlns='urn:ietf:params:"
                + "xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>3 failed "
                + "authentications</text></stream:error></stream:stream>");
        assertThat(accounts.finished).containsExactly("alice:false", "alice:false", "alice:false");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aStanzaBeforeAuthenticationEndsTheStream() {
        send(HEADER);

        assertThat(send("<message to='bob@example.com'><body>hi</body></message>"))
                .startsWith("<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>")
                .endsWith("</stream:stream>");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aStreamToAnotherDomainIsRefused() {
        assertThat(send(HEADER.replace("example.com", "elsewhere.org")))
                .contains("<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void everyIqIsAnsweredAndStanzasGoOnWithTheirSender() {
        bound();

        assertThat(send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>"))
                .isEqualTo("<iq type='result' id='p1' to='alice@example.com/phone'/>");
        assertThat(send("<iq type='set' id='s1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>"))
                .isEqualTo("<iq type='result' id='s1' to='alice@example.com/phone'/>");
        assertThat(send("<iq type='get' id='v1' to='example.com'><query xmlns='jabber:iq:version'/></iq>"))
                .isEqualTo("<iq type='error' id='v1' from='example.com' to='alice@example.com/phone'>"
                        + "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                        + "</error></iq>");
        assertThat(send("<iq type='get'><query xmlns='jabber:iq:version'/></iq>"))
                .contains("<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>");
        assertThat(send("<message to='bob@example.com' id='m1'><body>hi</body></message>")).isEmpty();

        assertThat(accounts.handled).extracting(stanza -> stanza.attribute("id")).containsExactly("v1", "m1");
        assertThat(accounts.handled.get(1).attribute("from")).isEqualTo("alice@example.com/phone");
    }

    @Test
    void aStanzaFromSomeoneElseEndsTheStream() {
        bound();

        assertThat(send("<message from='bob@example.com/desk' to='carol@example.com'><body>hi</body></message>"))
                .contains("<invalid-from xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
        assertThat(accounts.closed).isEqualTo(1);
    }

    @Test
    void anAddressThatIsNoneIsAnsweredJidMalformed() {
        bound();

        assertThat(send("<message to='alice@' id='x'><body>hi</body></message>"))
                .contains("<jid-malformed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>");
    }

    @Test
    void aRefusedBindIsAnsweredWithItsCondition() {
        send(HEADER);
        scramLogin(ScramHash.SHA_256, TestAccounts.PASSWORD);
        send(HEADER);

        assertThat(send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>taken</resource></bind></iq>"))
                .contains("<error type='wait'><resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>");
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void aSilentStreamIsPingedAndClosedWhenThePingGoesUnanswered() {
        bound();

        channel.advanceTimeBy(PING.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(read()).isEmpty();
        channel.advanceTimeBy(PING.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(read()).isEqualTo("<iq type='get' id='chorus-ping-1' from='example.com' "
                + "to='alice@example.com/phone'><ping xmlns='urn:xmpp:ping'/></iq>");
        channel.advanceTimeBy(PING.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(read()).contains("<connection-timeout xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void anAnsweredPingKeepsTheStream() {
        bound();
        channel.advanceTimeBy(2 * PING.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.advanceTimeBy(PING.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(read()).contains("chorus-ping-1");

        send("<iq type='result' id='chorus-ping-1'/>");
        channel.advanceTimeBy(PING.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isActive()).isTrue();
        assertThat(accounts.handled).isEmpty();
    }

    @Test
    void aFloodOfStanzasEndsTheStream() {
        bound();
        StringBuilder flood = new StringBuilder();
        for (int i = 0; i < BURST; i++) {
            flood.append("<iq type='get' id='f").append(i).append("'><ping xmlns='urn:xmpp:ping'/></iq>");
        }

        assertThat(send(flood.toString())).contains("<iq type='result' id='f40'")
                .doesNotContain("id='f49'")
                .endsWith("<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text "
                        + "xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>over 50 stanzas at once, or 1.0 a "
                        + "second</text></stream:error></stream:stream>");
        assertThat(channel.isActive()).isFalse();
    }

    private void bound() {
        send(HEADER);
        scramLogin(ScramHash.SHA_256, TestAccounts.PASSWORD);
        send(HEADER);
        send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>phone</resource></bind></iq>");
    }

    /** A SCRAM exchange as a client runs it. @return the server's last word */
    private String scramLogin(ScramHash hash, String password) {
        String clientFirstBare = "n=alice,r=clientnonce";
        String challenge = send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='" + hash.mechanism()
                + "'>" + base64("n,," + clientFirstBare) + "</auth>");
        String serverFirst = new String(Base64.getDecoder().decode(
                challenge.replaceAll(".*<challenge[^>]*>([^<]*)</challenge>.*", "$1")), StandardCharsets.UTF_8);
        assertThat(serverFirst).startsWith("r=clientnonce").contains(",s=", ",i=4096");
        String withoutProof = "c=biws,r=" + serverFirst.substring(2, serverFirst.indexOf(','));
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] salted = TestAccounts.saltedPassword(hash, password);
        byte[] clientKey = TestAccounts.hmac(hash, salted, "Client Key");
        byte[] signature = TestAccounts.hmac(hash, TestAccounts.digest(hash, clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        String answer = send("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + base64(withoutProof + ",p="
                + Base64.getEncoder().encodeToString(proof)) + "</response>");
        if (answer.startsWith("<success")) {
            byte[] serverSignature = TestAccounts.hmac(hash, TestAccounts.hmac(hash, salted, "Server Key"),
                    authMessage);
            assertThat(answer).isEqualTo("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                    + base64("v=" + Base64.getEncoder().encodeToString(serverSignature)) + "</success>");
        }
        return answer;
    }

    private String send(String xml) {
        channel.writeInbound(Unpooled.copiedBuffer(xml, StandardCharsets.UTF_8));
        return read();
    }

    private String read() {
        StringBuilder out = new StringBuilder();
        for (ByteBuf buffer = channel.readOutbound(); buffer != null; buffer = channel.readOutbound()) {
            out.append(buffer.toString(StandardCharsets.UTF_8));
            buffer.release();
        }
        return out.toString();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
