package dev.chorus.xmpp.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.xmpp.xml.XmlElement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stream management (XEP-0198) on one node: stanzas counted both ways and acknowledged, and a session whose
 * connection was lost resumed on a new one with what the client missed.
 */
class StreamManagementTest {
    private static final Duration WINDOW = Duration.ofMinutes(5);
    private static final Pattern ID = Pattern.compile("id='([^']+)'");
    private static final String ENABLE = "<enable xmlns='urn:xmpp:sm:3' resume='true'/>";

    private final TestAccounts accounts = new TestAccounts();
    private final StreamServices services = new StreamServices(new StreamSettings("example.com", false, 3,
            Duration.ofSeconds(60), Duration.ofSeconds(30), 100, 100, WINDOW, 4), accounts, accounts);
    private final TestStreamClient first = new TestStreamClient(services);
    private final TestStreamClient second = new TestStreamClient(services);

    @AfterEach
    void close() {
        first.channel().finishAndReleaseAll();
        second.channel().finishAndReleaseAll();
    }

    @Test
    void stanzasAreCountedBothWaysAndAcknowledged() {
        first.bound("phone");
        String enabled = first.send(ENABLE);
        assertThat(enabled).startsWith("<enabled xmlns='urn:xmpp:sm:3' id='").endsWith("resume='true' max='300'/>");

        first.send("<message to='bob@example.com' id='m1'><body>one</body></message>");
        first.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
        assertThat(first.send("<r xmlns='urn:xmpp:sm:3'/>")).as("both stanzas, the one answered here too")
                .isEqualTo("<a xmlns='urn:xmpp:sm:3' h='2'/>");

        deliver(0, "to phone");
        first.channel().advanceTimeBy(1, TimeUnit.SECONDS);
        first.channel().runScheduledPendingTasks();
        assertThat(first.read()).as("the server asks for what it is owed").endsWith("</message><r xmlns='urn:xmpp:sm:3'/>");
        assertThat(first.send("<a xmlns='urn:xmpp:sm:3' h='2'/>")).as("the ping's answer and the message").isEmpty();
        assertThat(first.send("<a xmlns='urn:xmpp:sm:3' h='3'/>"))
                .contains("<undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
    }

    @Test
    void aLostConnectionsSessionIsResumedWithWhatItsClientMissed() {
        first.bound("phone");
        String id = id(first.send(ENABLE));
        deliver(0, "one");
        deliver(0, "two");
        first.read();
        first.send("<a xmlns='urn:xmpp:sm:3' h='1'/>");
        lose(first);
        deliver(0, "while away");

        String features = second.loggedIn();
        assertThat(features).contains("<sm xmlns='urn:xmpp:sm:3'/>");
        String resumed = second.send("<resume xmlns='urn:xmpp:sm:3' previd='" + id + "' h='1'/>");

        assertThat(resumed).startsWith("<resumed xmlns='urn:xmpp:sm:3' previd='" + id + "' h='0'/>")
                .contains("<body>two</body>", "<body>while away</body>").doesNotContain("<body>one</body>");
        assertThat(resumed.indexOf("two")).isLessThan(resumed.indexOf("while away"));
        assertThat(accounts.closed).as("the resource stayed bound").isZero();
        deliver(0, "after");
        assertThat(second.read()).contains("<body>after</body>");
        assertThat(second.send("<message to='bob@example.com' id='m2'><body>back</body></message>")).isEmpty();
        assertThat(accounts.handled).extracting(stanza -> stanza.attribute("from"))
                .containsExactly("alice@example.com/phone");
    }

    @Test
    void aSessionStillCarriedByItsOldConnectionMovesToTheNewOne() {
        first.bound("phone");
        String id = id(first.send(ENABLE));

        second.loggedIn();
        assertThat(second.send("<resume xmlns='urn:xmpp:sm:3' previd='" + id + "' h='0'/>"))
                .startsWith("<resumed");

        assertThat(first.channel().isActive()).as("the old connection is closed").isFalse();
        deliver(0, "here");
        assertThat(second.read()).contains("<body>here</body>");
        assertThat(accounts.closed).isZero();
    }

    @Test
    void aSessionNotResumedInTimeEndsAndCannotBeResumed() {
        first.bound("phone");
        String id = id(first.send(ENABLE));
        lose(first);

        first.channel().advanceTimeBy(WINDOW.toMillis(), TimeUnit.MILLISECONDS);
        first.channel().runScheduledPendingTasks();
        assertThat(accounts.closed).isEqualTo(1);

        second.loggedIn();
        assertThat(second.send("<resume xmlns='urn:xmpp:sm:3' previd='" + id + "' h='0'/>"))
                .isEqualTo("<failed xmlns='urn:xmpp:sm:3'><item-not-found "
                        + "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>");
        assertThat(second.send("<iq type='set' id='b2'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>phone</resource></bind></iq>")).as("the client binds afresh").contains("<jid>");
    }

    @Test
    void aClosedStreamsSessionEndsAtOnce() {
        first.bound("phone");
        String id = id(first.send(ENABLE));
        first.send("</stream:stream>");
        assertThat(accounts.closed).isEqualTo(1);

        second.loggedIn();
        assertThat(second.send("<resume xmlns='urn:xmpp:sm:3' previd='" + id + "' h='0'/>")).startsWith("<failed");
    }

    @Test
    void managementAskedAtTheWrongTimeIsRefused() {
        first.loggedIn();
        assertThat(first.send(ENABLE)).as("before binding").contains("<unexpected-request");
        assertThat(first.send("<resume xmlns='urn:xmpp:sm:3' previd='nothing' h='0'/>")).contains("<item-not-found");
        first.send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>phone</resource></bind></iq>");
        String id = id(first.send(ENABLE));
        assertThat(first.send(ENABLE)).as("twice").contains("<unexpected-request");
        assertThat(first.send("<resume xmlns='urn:xmpp:sm:3' previd='" + id + "' h='0'/>")).as("once bound")
                .contains("<unexpected-request");
    }

    @Test
    void aClientThatNeverAcknowledgesIsCutOff() {
        first.bound("phone");
        first.send(ENABLE);
        for (int i = 0; i < 5; i++) {
            deliver(0, "unread " + i);
        }

        assertThat(first.read()).contains("<policy-violation");
        assertThat(accounts.closed).isEqualTo(1);
    }

    /**
     * The connection is gone, as the event loop reports it. (Closing the test's channel would also cancel the timers
     * of its loop, which in a node serves many connections.)
     */
    private static void lose(TestStreamClient client) {
        client.channel().pipeline().fireChannelInactive();
    }

    private void deliver(int binding, String text) {
        accounts.clients.get(binding).send(XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("from", "bob@example.com/desk").attribute("to", "alice@example.com/phone")
                .child("body", Namespaces.CLIENT, text).build());
    }

    private static String id(String enabled) {
        Matcher id = ID.matcher(enabled);
        assertThat(id.find()).as(enabled).isTrue();
        return id.group(1);
    }
}
