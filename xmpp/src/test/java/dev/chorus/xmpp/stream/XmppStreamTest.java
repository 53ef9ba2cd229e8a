package dev.chorus.xmpp.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.xmpp.sasl.ScramHash;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A client's stream over TCP, from its header to its stanzas: what it is offered, asked and answered. */
class XmppStreamTest {
    private static final String HEADER = TestStreamClient.HEADER;
    private static final Duration PING = Duration.ofSeconds(30);
    private static final int BURST = 50;

    private final TestAccounts accounts = new TestAccounts();
    private final TestStreamClient client = new TestStreamClient(new StreamServices(
            new StreamSettings("example.com", false, 3, Duration.ofSeconds(60), PING, 1, BURST, Duration.ofMinutes(5),
                    100), accounts, accounts));
    private final EmbeddedChannel channel = client.channel();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void answersTheHeaderWithItsOwnAndOffersOnlyScramInTheClear() {
        String answer = client.send(HEADER);

        assertThat(answer).startsWith("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                + "xmlns:stream='http://etherx.jabber.org/streams' id='").contains("from='example.com' version='1.0'");
        assertThat(answer).endsWith("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                + "<mechanism>SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms>"
                + "</stream:features>");
    }

    @Test
    void refusesPlainWhereAnyoneCouldReadThePassword() {
        client.send(HEADER);

        assertThat(client.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                + TestStreamClient.base64("\0alice\0" + TestAccounts.PASSWORD) + "</auth>"))
                .isEqualTo("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><encryption-required/></failure>");
    }

    @ParameterizedTest
    @EnumSource(ScramHash.class)
    void logsInWithScramThenBindsAResource(ScramHash hash) {
        client.send(HEADER);
        client.scramLogin(hash, TestAccounts.PASSWORD);

        String restarted = client.send(HEADER);
        assertThat(restarted).endsWith("<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"
                + "<sm xmlns='urn:xmpp:sm:3'/></stream:features>");
        assertThat(client.send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>phone</resource></bind></iq>"))
                .isEqualTo("<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                        + "<jid>alice@example.com/phone</jid></bind></iq>");
    }

    @Test
    void aWrongProofFailsAndTheThirdFailureEndsTheStream() {
        client.send(HEADER);
        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(client.scramLogin(ScramHash.SHA_1, "wrong password"))
                    .isEqualTo("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
        }
        assertThat(client.scramLogin(ScramHash.SHA_1, "wrong password")).endsWith("<failure xmlns='urn:ietf:params:xml:"
                + "ns:xmpp-sasl'><not-authorized/></failure><stream:error><policy-violation xmlns='urn:ietf:params:"
                + "xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>3 failed "
                + "authentications</text></stream:error></stream:stream>");
        assertThat(accounts.finished).containsExactly("alice:false", "alice:false", "alice:false");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aStanzaBeforeAuthenticationEndsTheStream() {
        client.send(HEADER);

        assertThat(client.send("<message to='bob@example.com'><body>hi</body></message>"))
                .startsWith("<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>")
                .endsWith("</stream:stream>");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aStreamToAnotherDomainIsRefused() {
        assertThat(client.send(HEADER.replace("example.com", "elsewhere.org")))
                .contains("<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void everyIqIsAnsweredAndStanzasGoOnWithTheirSender() {
        client.bound("phone");

        assertThat(client.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>"))
                .isEqualTo("<iq type='result' id='p1' to='alice@example.com/phone'/>");
        assertThat(client.send("<iq type='set' id='s1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>"))
                .isEqualTo("<iq type='result' id='s1' to='alice@example.com/phone'/>");
        assertThat(client.send("<iq type='get' id='v1' to='example.com'><query xmlns='jabber:iq:version'/></iq>"))
                .isEqualTo("<iq type='error' id='v1' from='example.com' to='alice@example.com/phone'>"
                        + "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                        + "</error></iq>");
        assertThat(client.send("<iq type='get'><query xmlns='jabber:iq:version'/></iq>"))
                .contains("<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>");
        assertThat(client.send("<message to='bob@example.com' id='m1'><body>hi</body></message>")).isEmpty();

        assertThat(accounts.handled).extracting(stanza -> stanza.attribute("id")).containsExactly("v1", "m1");
        assertThat(accounts.handled.get(1).attribute("from")).isEqualTo("alice@example.com/phone");
    }

    @Test
    void aStanzaFromSomeoneElseEndsTheStream() {
        client.bound("phone");

        assertThat(client.send("<message from='bob@example.com/desk' to='carol@example.com'><body>hi</body></message>"))
                .contains("<invalid-from xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
        assertThat(accounts.closed).isEqualTo(1);
    }

    @Test
    void anAddressThatIsNoneIsAnsweredJidMalformed() {
        client.bound("phone");

        assertThat(client.send("<message to='alice@' id='x'><body>hi</body></message>"))
                .contains("<jid-malformed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>");
    }

    @Test
    void aRefusedBindIsAnsweredWithItsCondition() {
        client.send(HEADER);
        client.scramLogin(ScramHash.SHA_256, TestAccounts.PASSWORD);
        client.send(HEADER);

        assertThat(client.send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>taken</resource></bind></iq>"))
                .contains("<error type='wait'><resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>");
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void aSilentStreamIsPingedAndClosedWhenThePingGoesUnanswered() {
        client.bound("phone");

        channel.advanceTimeBy(PING.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(client.read()).isEmpty();
        channel.advanceTimeBy(PING.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(client.read()).isEqualTo("<iq type='get' id='chorus-ping-1' from='example.com' "
                + "to='alice@example.com/phone'><ping xmlns='urn:xmpp:ping'/></iq>");
        channel.advanceTimeBy(PING.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(client.read()).contains("<connection-timeout xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void anAnsweredPingKeepsTheStream() {
        client.bound("phone");
        channel.advanceTimeBy(2 * PING.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.advanceTimeBy(PING.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(client.read()).contains("chorus-ping-1");

        client.send("<iq type='result' id='chorus-ping-1'/>");
        channel.advanceTimeBy(PING.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isActive()).isTrue();
        assertThat(accounts.handled).isEmpty();
    }

    @Test
    void aFloodOfStanzasEndsTheStream() {
        client.bound("phone");
        StringBuilder flood = new StringBuilder();
        for (int i = 0; i < BURST; i++) {
            flood.append("<iq type='get' id='f").append(i).append("'><ping xmlns='urn:xmpp:ping'/></iq>");
        }

        assertThat(client.send(flood.toString())).contains("<iq type='result' id='f40'")
                .doesNotContain("id='f49'")
                .endsWith("<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text "
                        + "xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>over 50 stanzas at once, or 1.0 a "
                        + "second</text></stream:error></stream:stream>");
        assertThat(channel.isActive()).isFalse();
    }
}
