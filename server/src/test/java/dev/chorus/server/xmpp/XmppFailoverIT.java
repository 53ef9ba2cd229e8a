package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.PASSWORD;
import static dev.chorus.server.xmpp.WebUsers.connect;
import static dev.chorus.server.xmpp.WebUsers.register;
import static dev.chorus.server.xmpp.WebUsers.socket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.server.Node;
import dev.chorus.server.cluster.NodeProcess;
import io.socket.client.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * The node of an XMPP user and a web user is killed with SIGKILL: a survivor takes the XMPP user out of its rooms,
 * and says both are unavailable to their contacts, within the dead-node detection time; the XMPP user comes back on
 * the survivor and catches up through MAM.
 */
class XmppFailoverIT {
    private static final String DOMAIN = SmackClients.DOMAIN;
    private static final String ROOM = "survivors@conference." + DOMAIN;

    @TempDir
    Path data;

    @Test
    void aDeadNodesUsersLeaveTheirRoomsAndCatchUpElsewhere() throws Exception {
        try (SurvivorAndVictim nodes = SurvivorAndVictim.start(data)) {
            Node survivor = nodes.survivor();
            NodeProcess victim = nodes.victim();
            SmackClients atSurvivor = new SmackClients(DOMAIN, survivor.xmppPort(), nodes.certificate());
            register(survivor.port(), "alice");
            register(survivor.port(), "bob");
            String carolsCookie = register(survivor.port(), "carol");
            XMPPTCPConnection bob = atSurvivor.connection("bob", PASSWORD, "desk", "SCRAM-SHA-1");
            XMPPTCPConnection alice = new SmackClients(DOMAIN, nodes.victimXmppPort(), nodes.certificate())
                    .connection("alice", PASSWORD, "phone", "SCRAM-SHA-1");
            Socket carol = socket(victim.port(), carolsCookie);
            try {
                bob.connect().login();
                BlockingQueue<Presence> contactsOfBob = new LinkedBlockingQueue<>();
                bob.addStanzaListener(stanza -> contactsOfBob.add((Presence) stanza), new AndFilter(
                        StanzaTypeFilter.PRESENCE, stanza -> stanza.getFrom().getDomain().toString().equals(DOMAIN)));
                bob.sendStanza(bob.getStanzaFactory().buildPresenceStanza().build());
                for (String contact : List.of("alice", "carol")) {
                    XMPPTCPConnection approver = atSurvivor.connection(contact, PASSWORD, "approver", "SCRAM-SHA-1");
                    try {
                        approver.connect().login();
                        bob.sendStanza(bob.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribe)
                                .to(JidCreate.bareFrom(contact + "@" + DOMAIN)).build());
                        await().atMost(Duration.ofSeconds(10)).until(() -> Roster.getInstanceFor(bob)
                                .getEntry(JidCreate.bareFrom(contact + "@" + DOMAIN)) != null);
                        approver.sendStanza(approver.getStanzaFactory().buildPresenceStanza()
                                .ofType(Presence.Type.subscribed).to(JidCreate.bareFrom("bob@" + DOMAIN)).build());
                        await().atMost(Duration.ofSeconds(10)).until(() -> Roster.getInstanceFor(bob)
                                .getEntry(JidCreate.bareFrom(contact + "@" + DOMAIN)).canSeeHisPresence());
                    } finally {
                        approver.disconnect();
                    }
                }
                connect(carol);
                String carolsResource = next(contactsOfBob, "carol@" + DOMAIN + "/web-", Presence.Type.available)
                        .getFrom().toString();
                MultiUserChat bobsRoom = MultiUserChatManager.getInstanceFor(bob)
                        .getMultiUserChat(JidCreate.entityBareFrom(ROOM));
                BlockingQueue<Presence> seenByBob = new LinkedBlockingQueue<>();
                bobsRoom.addParticipantListener(presence -> {
                    if (presence.getFrom().getResourceOrEmpty().toString().equals("ally")) {
                        seenByBob.add(presence);
                    }
                });
                bobsRoom.create(Resourcepart.from("bob")).makeInstant();
                alice.connect().login();
                alice.sendStanza(alice.getStanzaFactory().buildPresenceStanza().build());
                String alicesResource = "alice@" + DOMAIN + "/phone";
                assertThat(next(contactsOfBob, alicesResource, Presence.Type.available)).isNotNull();
                MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(JidCreate.entityBareFrom(ROOM))
                        .join(Resourcepart.from("ally"));
                Presence came = seenByBob.poll(10, TimeUnit.SECONDS);
                assertThat(came).isNotNull();
                assertThat(came.getType()).isEqualTo(Presence.Type.available);

                victim.kill();
                long killed = System.nanoTime();
                Presence gone = seenByBob.poll(15, TimeUnit.SECONDS);
                assertThat(gone).as("alice's leaving, told by the survivor").isNotNull();
                assertThat(gone.getFrom().getResourceOrEmpty().toString()).as("under her nickname").isEqualTo("ally");
                assertThat(gone.getType()).isEqualTo(Presence.Type.unavailable);
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed)).isLessThan(12);
                assertThat(next(contactsOfBob, alicesResource, Presence.Type.unavailable))
                        .as("alice's resource unavailable to her contacts, told by the survivor").isNotNull();
                assertThat(next(contactsOfBob, carolsResource, Presence.Type.unavailable))
                        .as("carol's web chat on the dead node unavailable to her contacts").isNotNull();

                bobsRoom.sendMessage("while you were away");
                XMPPTCPConnection back = atSurvivor.connection("alice", PASSWORD, "phone", "SCRAM-SHA-1");
                try {
                    back.connect().login();
                    MultiUserChat room = MultiUserChatManager.getInstanceFor(back)
                            .getMultiUserChat(JidCreate.entityBareFrom(ROOM));
                    room.join(room.getEnterConfigurationBuilder(Resourcepart.from("ally")).requestNoHistory()
                            .build());
                    Presence returned = seenByBob.poll(10, TimeUnit.SECONDS);
                    assertThat(returned).isNotNull();
                    assertThat(returned.getType()).isEqualTo(Presence.Type.available);

                    MamManager archive = MamManager.getInstanceFor(room);
                    assertThat(archive.isSupported()).isTrue();
                    List<String> caughtUp = archive.queryArchive(MamManager.MamQueryArgs
                            .builder().queryLastPage().setResultPageSize(1).build()).getMessages().stream()
                            .map(message -> message.getBody()).toList();
                    assertThat(caughtUp).containsExactly("while you were away");
                } finally {
                    back.disconnect();
                }
            } finally {
                carol.close();
                bob.disconnect();
                alice.instantShutdown();
            }
        }
    }

    /** How the victim's client loses its stream there. */
    enum Interruption {
        /** The node is killed with SIGKILL: the survivor takes the session once the node is out of the cluster. */
        KILL,
        /** The node stops (SIGTERM): it hands its sessions over, dropping their connections. */
        STOP,
        /** The connection breaks, the node lives on: asked by the survivor, it hands the session over. */
        CUT
    }

    /**
     * XEP-0198 across nodes: a client's stream on the victim is resumed on the survivor (a relay stands for the
     * balancer) however it was lost there, its resource and nickname as they were; the room's and the direct
     * messages sent while it was away arrive once, in order, after those it had; what it sent while cut off arrives
     * too. A node that hands its session over says nothing of the client leaving.
     */
    @ParameterizedTest
    @EnumSource(Interruption.class)
    void aStreamOfTheVictimIsResumedOnTheSurvivorWithWhatItMissed(Interruption interruption) throws Exception {
        try (SurvivorAndVictim nodes = SurvivorAndVictim.start(data);
                TcpRelay balancer = TcpRelay.to(nodes.victimXmppPort())) {
            Node survivor = nodes.survivor();
            register(survivor.port(), "resa");
            register(survivor.port(), "resb");
            XMPPTCPConnection bob = new SmackClients(DOMAIN, survivor.xmppPort(), nodes.certificate())
                    .connection("resb", PASSWORD, "desk", "SCRAM-SHA-1");
            XMPPTCPConnection alice = new SmackClients(DOMAIN, balancer.port(), nodes.certificate())
                    .connection("resa", PASSWORD, "phone", "SCRAM-SHA-1");
            BlockingQueue<Message> atAlice = new LinkedBlockingQueue<>();
            // In the order received: Smack's asynchronous listeners may run out of order.
            alice.addSyncStanzaListener(stanza -> {
                Message message = (Message) stanza;
                if (message.getBody() != null) {
                    atAlice.add(message);
                }
            }, StanzaTypeFilter.MESSAGE);
            BlockingQueue<Message> atBob = new LinkedBlockingQueue<>();
            List<Presence.Type> allyAsBobSees = new CopyOnWriteArrayList<>();
            try {
                bob.connect().login();
                alice.connect().login();
                assertThat(alice.isSmResumptionPossible()).isTrue();
                MultiUserChat bobsRoom = MultiUserChatManager.getInstanceFor(bob)
                        .getMultiUserChat(JidCreate.entityBareFrom("resumers@conference." + DOMAIN));
                bobsRoom.create(Resourcepart.from("bob")).makeInstant();
                bobsRoom.addMessageListener(atBob::add);
                bobsRoom.addParticipantListener(presence -> {
                    if (presence.getFrom().getResourceOrEmpty().toString().equals("ally")) {
                        allyAsBobSees.add(presence.getType());
                    }
                });
                MultiUserChat alicesRoom = MultiUserChatManager.getInstanceFor(alice)
                        .getMultiUserChat(JidCreate.entityBareFrom("resumers@conference." + DOMAIN));
                alicesRoom.join(alicesRoom.getEnterConfigurationBuilder(Resourcepart.from("ally")).requestNoHistory()
                        .build());
                bobsRoom.sendMessage("one");
                bobsRoom.sendMessage("two");
                assertThat(bodies(atAlice, 2)).containsExactly("one", "two");

                balancer.target(survivor.xmppPort());
                long interrupted = System.nanoTime();
                switch (interruption) {
                    case KILL -> nodes.victim().kill();
                    case STOP -> nodes.victim().terminate(Duration.ofSeconds(30));
                    case CUT -> balancer.cut();
                }
                bobsRoom.sendMessage("three");
                bob.sendStanza(MessageBuilder.buildMessage().to(alice.getUser()).ofType(Message.Type.chat)
                        .setBody("psst").build());
                await().atMost(Duration.ofSeconds(15)).until(() -> !alice.isConnected());
                alicesRoom.sendMessage("sent while cut off");
                alice.connect().login();

                assertThat(alice.streamWasResumed()).as("resumed on the survivor, not bound afresh").isTrue();
                System.out.printf("XmppFailoverIT: %s: stream resumed on the survivor %d ms after the interruption%n",
                        interruption, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - interrupted));
                assertThat(alice.getUser().toString()).isEqualTo("resa@" + DOMAIN + "/phone");
                List<String> missed = bodies(atAlice, 3);
                assertThat(missed).as("what was said meanwhile, once")
                        .containsExactlyInAnyOrder("three", "psst", "sent while cut off");
                alicesRoom.sendMessage("back");
                List<String> room = new ArrayList<>();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    for (Message message = atBob.poll(); message != null; message = atBob.poll()) {
                        room.add(message.getBody());
                    }
                    assertThat(room).containsExactlyInAnyOrder("one", "two", "three", "sent while cut off", "back");
                });
                assertThat(missed.stream().filter(body -> !body.equals("psst")).toList()).as("in the room's order")
                        .isEqualTo(room.subList(2, 4));
                assertThat(atAlice.poll(1, TimeUnit.SECONDS)).as("nothing twice").extracting(Message::getBody)
                        .isEqualTo("back");
                assertThat(atAlice.poll(500, TimeUnit.MILLISECONDS)).as("nothing twice").isNull();
                if (interruption != Interruption.KILL) {
                    assertThat(allyAsBobSees).as("handed over, never gone").doesNotContain(Presence.Type.unavailable);
                }
            } finally {
                bob.disconnect();
                alice.instantShutdown();
            }
        }
    }

    private static List<String> bodies(BlockingQueue<Message> heard, int count) throws InterruptedException {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message message = heard.poll(20, TimeUnit.SECONDS);
            if (message == null) {
                break;
            }
            bodies.add(message.getBody());
        }
        return bodies;
    }

    /** The next presence from an address starting with {@code from}, of that type, within 15 seconds. */
    private static Presence next(BlockingQueue<Presence> heard, String from, Presence.Type type) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            Presence presence = heard.poll(100, TimeUnit.MILLISECONDS);
            if (presence != null && presence.getFrom().toString().startsWith(from) && presence.getType() == type) {
                return presence;
            }
        }
        throw new AssertionError("no " + type + " presence from " + from + " within 15 s");
    }
}
