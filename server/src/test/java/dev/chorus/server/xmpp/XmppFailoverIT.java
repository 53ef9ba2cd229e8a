package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.PASSWORD;
import static dev.chorus.server.xmpp.WebUsers.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.cluster.NodeProcess;
import dev.chorus.server.config.Keys;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * The node of an XMPP user is killed with SIGKILL: a survivor takes the user out of its rooms, which the other
 * occupants see within the dead-node detection time; the user comes back on the survivor and catches up through MAM.
 */
class XmppFailoverIT {
    private static final String DOMAIN = SmackClients.DOMAIN;
    private static final String ROOM = "survivors@conference." + DOMAIN;

    @TempDir
    Path data;

    @Test
    void aDeadNodesUsersLeaveTheirRoomsAndCatchUpElsewhere() throws Exception {
        try (RedisServer redis = RedisServer.start();
                Node survivor = Node.start(TestNodes.settings(data.resolve("survivor")).with(Keys.REDIS, redis.url())
                        .with(Keys.ROUTE, "survivor").with(Keys.XMPP_DOMAIN, DOMAIN))) {
            int victimXmppPort = RedisServer.freePort();
            NodeProcess victim = NodeProcess.start(data.resolve("victim"), redis.url(), "--auth", "password",
                    "--route", "victim", "--xmpp-domain", DOMAIN, "--xmpp-port", Integer.toString(victimXmppPort));
            SmackClients atSurvivor = new SmackClients(DOMAIN, survivor.xmppPort(),
                    data.resolve("survivor").resolve("xmpp").resolve(DOMAIN + ".crt"));
            register(survivor.port(), "alice");
            register(survivor.port(), "bob");
            XMPPTCPConnection bob = atSurvivor.connection("bob", PASSWORD, "desk", "SCRAM-SHA-1");
            XMPPTCPConnection alice = new SmackClients(DOMAIN, victimXmppPort, data.resolve("victim")
                    .resolve("data-" + victim.port()).resolve("xmpp").resolve(DOMAIN + ".crt"))
                    .connection("alice", PASSWORD, "phone", "SCRAM-SHA-1");
            try {
                bob.connect().login();
                MultiUserChat bobsRoom = MultiUserChatManager.getInstanceFor(bob)
                        .getMultiUserChat(JidCreate.entityBareFrom(ROOM));
                BlockingQueue<Presence> seenByBob = new LinkedBlockingQueue<>();
                bobsRoom.addParticipantListener(presence -> {
                    if (presence.getFrom().getResourceOrEmpty().toString().equals("alice")) {
                        seenByBob.add(presence);
                    }
                });
                bobsRoom.join(Resourcepart.from("bob"));
                alice.connect().login();
                MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(JidCreate.entityBareFrom(ROOM))
                        .join(Resourcepart.from("alice"));
                Presence came = seenByBob.poll(10, TimeUnit.SECONDS);
                assertThat(came).isNotNull();
                assertThat(came.getType()).isEqualTo(Presence.Type.available);

                victim.kill();
                long killed = System.nanoTime();
                Presence gone = seenByBob.poll(15, TimeUnit.SECONDS);
                assertThat(gone).as("alice's leaving, told by the survivor").isNotNull();
                assertThat(gone.getFrom().getResourceOrEmpty().toString()).isEqualTo("alice");
                assertThat(gone.getType()).isEqualTo(Presence.Type.unavailable);
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed)).isLessThan(12);

                bobsRoom.sendMessage("while you were away");
                XMPPTCPConnection back = atSurvivor.connection("alice", PASSWORD, "phone", "SCRAM-SHA-1");
                try {
                    back.connect().login();
                    MultiUserChat room = MultiUserChatManager.getInstanceFor(back)
                            .getMultiUserChat(JidCreate.entityBareFrom(ROOM));
                    room.join(room.getEnterConfigurationBuilder(Resourcepart.from("alice")).requestNoHistory()
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
                bob.disconnect();
                alice.instantShutdown();
                victim.close();
            }
        }
    }
}
