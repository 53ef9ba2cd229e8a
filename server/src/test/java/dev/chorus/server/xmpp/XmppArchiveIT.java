package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.ack;
import static dev.chorus.server.xmpp.WebUsers.connect;
import static dev.chorus.server.xmpp.WebUsers.register;
import static dev.chorus.server.xmpp.WebUsers.socket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.socket.client.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.mam.element.MamElements;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.impl.JidCreate;

/**
 * MAM (XEP-0313) over the web chat's histories: a room's, a user's conversation with one contact, and their whole
 * archive, paged.
 */
class XmppArchiveIT {
    private static final String DOMAIN = SmackClients.DOMAIN;

    @RegisterExtension
    static final OneXmppNode node = new OneXmppNode();

    @Test
    void aRoomsArchiveIsItsHistoryPagedFromTheEnd() throws Exception {
        Socket dave = socket(node.port(), register(node.port(), "dave"));
        register(node.port(), "erin");
        XMPPTCPConnection erin = node.smack().connection("erin", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        try {
            connect(dave);
            ack(dave, "join", new JSONObject().put("room", "archived"));
            List<Long> ids = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                ids.add(ack(dave, "message", new JSONObject().put("room", "archived").put("text", "m" + i))
                        .getLong("id"));
            }
            erin.connect().login();
            MultiUserChat room = MultiUserChatManager.getInstanceFor(erin)
                    .getMultiUserChat(JidCreate.entityBareFrom("archived@conference." + DOMAIN));
            MamManager archive = MamManager.getInstanceFor(room);
            assertThat(archive.isSupported()).isTrue();

            MamManager.MamQuery last = archive.queryArchive(MamManager.MamQueryArgs.builder().setResultPageSize(2)
                    .queryLastPage().build());
            assertThat(bodies(last.getMessages())).containsExactly("m4", "m5");
            assertThat(last.isComplete()).isFalse();
            assertThat(last.getPage().getForwarded().get(0).getForwardedStanza().getFrom().toString())
                    .isEqualTo("archived@conference." + DOMAIN + "/dave");
            assertThat(last.getMamResultExtensions().get(1).getId()).isEqualTo(String.valueOf(ids.get(4)));

            assertThat(bodies(last.pagePrevious(2))).containsExactly("m2", "m3");
            assertThat(bodies(last.pagePrevious(2))).containsExactly("m1");
            assertThat(last.isComplete()).isTrue();

            MamManager.MamQuery first = archive.queryArchive(MamManager.MamQueryArgs.builder().setResultPageSize(3)
                    .build());
            assertThat(bodies(first.getMessages())).containsExactly("m1", "m2", "m3");
            assertThat(bodies(first.pageNext(3))).containsExactly("m4", "m5");
            assertThat(first.isComplete()).isTrue();
        } finally {
            erin.disconnect();
            dave.close();
        }
    }

    @Test
    void aConversationsArchiveHoldsBothFacesMessages() throws Exception {
        register(node.port(), "alice");
        Socket bob = socket(node.port(), register(node.port(), "bob"));
        Socket carol = socket(node.port(), register(node.port(), "carol"));
        BlockingQueue<JSONObject> bobsDms = new LinkedBlockingQueue<>();
        bob.on("dm", args -> bobsDms.add((JSONObject) args[0]));
        XMPPTCPConnection alice = node.smack().connection("alice", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        try {
            connect(bob);
            connect(carol);
            alice.connect().login();
            ack(bob, "dm", new JSONObject().put("to", "alice").put("text", "one"));
            Message two = alice.getStanzaFactory().buildMessageStanza().to(JidCreate.from("bob@" + DOMAIN))
                    .ofType(Message.Type.chat).setBody("two").build();
            alice.sendStanza(two);
            assertThat(bobsDms.poll(10, TimeUnit.SECONDS)).isNotNull();
            assertThat(bobsDms.poll(10, TimeUnit.SECONDS)).extracting(dm -> dm.optString("text")).isEqualTo("two");
            ack(bob, "dm", new JSONObject().put("to", "alice").put("text", "three"));
            MamManager archive = MamManager.getInstanceFor(alice);
            assertThat(archive.isSupported()).isTrue();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bodies(archive.queryArchive(
                    MamManager.MamQueryArgs.builder().limitResultsToJid(JidCreate.from("bob@" + DOMAIN)).build())
                    .getMessages())).containsExactly("one", "two", "three"));
            MamManager.MamQuery paged = archive.queryArchive(MamManager.MamQueryArgs.builder()
                    .limitResultsToJid(JidCreate.from("bob@" + DOMAIN)).setResultPageSize(2).build());
            List<Message> page = paged.getMessages();
            assertThat(page.get(0).getFrom().toString()).isEqualTo("bob@" + DOMAIN);
            assertThat(page.get(0).getTo().toString()).isEqualTo("alice@" + DOMAIN);
            assertThat(page.get(1).getFrom().toString()).as("sent from her phone")
                    .isEqualTo("alice@" + DOMAIN + "/phone");
            assertThat(page.get(1).getStanzaId()).as("under her client's id").isEqualTo(two.getStanzaId());
            assertThat(paged.isComplete()).isFalse();
            assertThat(bodies(paged.pageNext(2))).containsExactly("three");
            assertThat(paged.isComplete()).isTrue();

            ack(carol, "dm", new JSONObject().put("to", "alice").put("text", "four"));
            assertThat(bodies(archive.queryArchive(MamManager.MamQueryArgs.builder().build()).getMessages()))
                    .as("her whole archive, every contact's").containsExactly("one", "two", "three", "four");
            assertThat(archive.getMessageUidOfLatestMessage()).isEqualTo(lastId(archive, "carol"));
            assertThatThrownBy(archive::enableMamForAllMessages).isInstanceOfSatisfying(XMPPErrorException.class,
                    error -> assertThat(error.getStanzaError().getCondition())
                            .isEqualTo(StanzaError.Condition.feature_not_implemented));
        } finally {
            alice.disconnect();
            bob.close();
        }
    }

    /** The archive id of the last message of the user's conversation with one contact. */
    private static String lastId(MamManager archive, String contact) throws Exception {
        List<MamElements.MamResultExtension> results = archive.queryArchive(MamManager.MamQueryArgs.builder()
                .limitResultsToJid(JidCreate.from(contact + "@" + DOMAIN)).queryLastPage().setResultPageSize(1)
                .build()).getPage().getMamResultExtensions();
        return results.get(results.size() - 1).getId();
    }

    private static List<String> bodies(List<Message> messages) {
        return messages.stream().map(Message::getBody).toList();
    }
}
