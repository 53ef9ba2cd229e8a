package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.connect;
import static dev.chorus.server.xmpp.WebUsers.register;
import static dev.chorus.server.xmpp.WebUsers.socket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.socket.client.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket.ItemType;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Rosters and presence subscriptions (RFC 6121) between users on two nodes of one Redis: every step reaches the
 * other user's node, roster pushes reach every interested resource, and the web chat's users are available to
 * their XMPP contacts while a socket of theirs is open.
 */
class XmppRosterIT {
    private static final String DOMAIN = SmackClients.DOMAIN;

    @RegisterExtension
    static final TwoXmppNodes cluster = new TwoXmppNodes(UnaryOperator.identity());
    private final List<XMPPTCPConnection> opened = new ArrayList<>();

    @AfterEach
    void disconnect() {
        opened.forEach(XMPPTCPConnection::disconnect);
    }

    @Test
    void askingAndApprovingAcrossNodesShowsPresenceAndPushesToEveryInterestedResource() throws Exception {
        register(cluster.node(0).port(), "alice");
        register(cluster.node(0).port(), "bob");
        XMPPTCPConnection alice = online(0, "alice", "phone");
        XMPPTCPConnection aliceDesk = online(1, "alice", "desk");
        XMPPTCPConnection bob = online(1, "bob", "laptop");
        BlockingQueue<Presence> atAlice = presences(alice);
        BlockingQueue<Presence> atBob = presences(bob);
        bob.sendStanza(bob.getStanzaFactory().buildPresenceStanza().setStatus("at work").build());

        Roster.getInstanceFor(alice).createItem(bare("bob"), "Bobby", new String[] {"Friends"});
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(entry(aliceDesk, "bob"))
                .as("the push reached alice's other resource, on the other node").isNotNull()
                .extracting(RosterEntry::getName).isEqualTo("Bobby"));

        alice.sendStanza(subscription(alice, Presence.Type.subscribe, "bob"));
        Presence asked = next(atBob, presence -> presence.getType() == Presence.Type.subscribe);
        assertThat(asked.getFrom().toString()).isEqualTo("alice@" + DOMAIN);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(entry(alice, "bob")
                .isSubscriptionPending()).isTrue());

        bob.sendStanza(subscription(bob, Presence.Type.subscribed, "alice"));
        assertThat(next(atAlice, presence -> presence.getType() == Presence.Type.subscribed).getFrom().toString())
                .isEqualTo("bob@" + DOMAIN);
        Presence bobsPresence = next(atAlice, presence -> presence.getType() == Presence.Type.available
                && presence.getFrom().toString().equals("bob@" + DOMAIN + "/laptop"));
        assertThat(bobsPresence.getStatus()).isEqualTo("at work");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(entry(alice, "bob").getType()).isEqualTo(ItemType.to);
            assertThat(entry(aliceDesk, "bob").getType()).isEqualTo(ItemType.to);
            assertThat(entry(bob, "alice").getType()).isEqualTo(ItemType.from);
            assertThat(entry(alice, "bob").getName()).as("the name stays").isEqualTo("Bobby");
        });

        bob.sendStanza(bob.getStanzaFactory().buildPresenceStanza().setStatus("in a meeting").build());
        assertThat(next(atAlice, presence -> "in a meeting".equals(presence.getStatus()))).isNotNull();
        bob.disconnect();
        assertThat(next(atAlice, presence -> presence.getType() == Presence.Type.unavailable
                && presence.getFrom().toString().equals("bob@" + DOMAIN + "/laptop"))).isNotNull();
    }

    @Test
    void aRequestToAnOfflineUserWaitsForTheirNextLogin() throws Exception {
        register(cluster.node(0).port(), "carol");
        register(cluster.node(0).port(), "dave");
        XMPPTCPConnection carol = online(0, "carol", "phone");

        carol.sendStanza(subscription(carol, Presence.Type.subscribe, "dave"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(entry(carol, "dave")).isNotNull());

        XMPPTCPConnection dave = cluster.smack(1).connection("dave", WebUsers.PASSWORD, "desk");
        Roster.getInstanceFor(dave).setSubscriptionMode(Roster.SubscriptionMode.manual);
        BlockingQueue<Presence> atDave = presences(dave);
        opened.add(dave);
        dave.connect().login();
        assertThat(Roster.getInstanceFor(dave).getEntries()).as("a request is not a roster item").isEmpty();
        dave.sendStanza(dave.getStanzaFactory().buildPresenceStanza().build());

        assertThat(next(atDave, presence -> presence.getType() == Presence.Type.subscribe).getFrom().toString())
                .isEqualTo("carol@" + DOMAIN);

        dave.sendStanza(subscription(dave, Presence.Type.unsubscribed, "carol"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(entry(carol, "dave").getType()).isEqualTo(ItemType.none);
            assertThat(entry(carol, "dave").isSubscriptionPending()).as("answered: no").isFalse();
        });
    }

    @Test
    void aWebUserIsAvailableToTheirXmppContactsWhileASocketIsOpen() throws Exception {
        register(cluster.node(0).port(), "erin");
        String franksCookie = register(cluster.node(0).port(), "frank");
        XMPPTCPConnection erin = online(0, "erin", "phone");
        XMPPTCPConnection frankOnXmpp = online(1, "frank", "desk");
        BlockingQueue<Presence> atErin = presences(erin);
        erin.sendStanza(subscription(erin, Presence.Type.subscribe, "frank"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(entry(erin, "frank")
                .isSubscriptionPending()).isTrue());
        frankOnXmpp.sendStanza(subscription(frankOnXmpp, Presence.Type.subscribed, "erin"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(entry(erin, "frank").getType())
                .isEqualTo(ItemType.to));
        frankOnXmpp.disconnect();
        atErin.clear();

        Socket frank = socket(cluster.node(1).port(), franksCookie);
        try {
            connect(frank);
            Presence available = next(atErin, presence -> presence.getType() == Presence.Type.available);
            assertThat(available.getFrom().toString()).startsWith("frank@" + DOMAIN + "/web-");
            assertThat(available.getStatus()).isEqualTo("on the web chat");

            XMPPTCPConnection erinLater = online(0, "erin", "tablet");
            BlockingQueue<Presence> atErinLater = presences(erinLater);
            erinLater.sendStanza(erinLater.getStanzaFactory().buildPresenceStanza().build());
            assertThat(next(atErinLater, presence -> presence.getFrom().equals(available.getFrom())
                    && presence.getType() == Presence.Type.available)).as("a probe finds the web user").isNotNull();

            frank.close();
            assertThat(next(atErin, presence -> presence.getType() == Presence.Type.unavailable
                    && presence.getFrom().equals(available.getFrom()))).isNotNull();
        } finally {
            frank.close();
        }
    }

    @Test
    void removingAContactEndsWhatTheyShareAndTellsThem() throws Exception {
        register(cluster.node(0).port(), "grace");
        register(cluster.node(0).port(), "heidi");
        XMPPTCPConnection grace = online(0, "grace", "phone");
        XMPPTCPConnection heidi = online(1, "heidi", "desk");
        BlockingQueue<Presence> atHeidi = presences(heidi);
        for (XMPPTCPConnection[] pair : new XMPPTCPConnection[][] {{grace, heidi}, {heidi, grace}}) {
            String asker = pair[0].getUser().getLocalpart().toString();
            String other = pair[1].getUser().getLocalpart().toString();
            pair[0].sendStanza(subscription(pair[0], Presence.Type.subscribe, other));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(entry(pair[0], other))
                    .isNotNull());
            pair[1].sendStanza(subscription(pair[1], Presence.Type.subscribed, asker));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(entry(grace, "heidi").getType()).isEqualTo(ItemType.both);
            assertThat(entry(heidi, "grace").getType()).isEqualTo(ItemType.both);
        });
        atHeidi.clear();

        Roster.getInstanceFor(grace).removeEntry(entry(grace, "heidi"));

        assertThat(next(atHeidi, presence -> presence.getType() == Presence.Type.unsubscribe)).isNotNull();
        assertThat(next(atHeidi, presence -> presence.getType() == Presence.Type.unavailable
                && presence.getFrom().toString().equals("grace@" + DOMAIN + "/phone"))).isNotNull();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(entry(grace, "heidi")).isNull();
            assertThat(entry(heidi, "grace").getType()).isEqualTo(ItemType.none);
        });
    }

    /** Logged in on node {@code node}, roster loaded, initial presence sent, answering no request by itself. */
    private XMPPTCPConnection online(int node, String user, String resource) throws Exception {
        XMPPTCPConnection connection = cluster.smack(node).connection(user, WebUsers.PASSWORD, resource);
        Roster.getInstanceFor(connection).setSubscriptionMode(Roster.SubscriptionMode.manual);
        opened.add(connection);
        connection.connect().login();
        Roster.getInstanceFor(connection).reloadAndWait();
        connection.sendStanza(connection.getStanzaFactory().buildPresenceStanza().build());
        return connection;
    }

    private static BlockingQueue<Presence> presences(XMPPTCPConnection connection) {
        BlockingQueue<Presence> heard = new LinkedBlockingQueue<>();
        connection.addStanzaListener(stanza -> heard.add((Presence) stanza), StanzaTypeFilter.PRESENCE);
        return heard;
    }

    /** The next presence heard that matches, within 10 seconds. */
    private static Presence next(BlockingQueue<Presence> heard, Predicate<Presence> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Presence presence = heard.poll(100, TimeUnit.MILLISECONDS);
            if (presence != null && wanted.test(presence)) {
                return presence;
            }
        }
        throw new AssertionError("no such presence within 10 s");
    }

    private static Presence subscription(XMPPTCPConnection from, Presence.Type type, String to) throws Exception {
        return from.getStanzaFactory().buildPresenceStanza().ofType(type).to(bare(to)).build();
    }

    private static RosterEntry entry(XMPPTCPConnection connection, String contact) throws Exception {
        return Roster.getInstanceFor(connection).getEntry(bare(contact));
    }

    private static BareJid bare(String user) throws Exception {
        return JidCreate.bareFrom(user + "@" + DOMAIN);
    }
}
