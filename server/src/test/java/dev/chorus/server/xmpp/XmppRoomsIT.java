package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.ack;
import static dev.chorus.server.xmpp.WebUsers.connect;
import static dev.chorus.server.xmpp.WebUsers.register;
import static dev.chorus.server.xmpp.WebUsers.socket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.socket.client.Ack;
import io.socket.client.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.RoomInfo;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * XMPP clients in the web chat's rooms (XEP-0045 over Smack): the same occupants from both faces, one message
 * stored once with one id, history on join, comings and goings both ways.
 */
class XmppRoomsIT {
    private static final String DOMAIN = SmackClients.DOMAIN;
    private static final String SERVICE = "conference." + DOMAIN;

    @RegisterExtension
    static final OneXmppNode node = new OneXmppNode();

    @Test
    void anXmppUserAndAWebUserShareARoom() throws Exception {
        register(node.port(), "alice");
        Socket bob = socket(node.port(), register(node.port(), "bob"));
        BlockingQueue<JSONObject> bobHears = new LinkedBlockingQueue<>();
        bob.on("message", args -> bobHears.add((JSONObject) args[0]));
        bob.on("presence", args -> bobHears.add((JSONObject) args[0]));
        XMPPTCPConnection alice = node.smack().connection("alice", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        try {
            bob.connect();
            await().atMost(Duration.ofSeconds(10)).until(bob::connected);
            ack(bob, "join", new JSONObject().put("room", "lobby").put("presence", true));
            alice.connect().login();

            MultiUserChatManager manager = MultiUserChatManager.getInstanceFor(alice);
            assertThat(manager.getMucServiceDomains()).extracting(Object::toString).containsExactly(SERVICE);
            MultiUserChat lobby = manager.getMultiUserChat(JidCreate.entityBareFrom("lobby@" + SERVICE));
            lobby.join(Resourcepart.from("Ali"));

            assertThat(lobby.getNickname().toString()).isEqualTo("Ali");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(lobby.getOccupants())
                    .extracting(Object::toString)
                    .as("a web user sits under their account's name")
                    .containsExactlyInAnyOrder("lobby@" + SERVICE + "/Ali", "lobby@" + SERVICE + "/bob"));
            JSONObject online = bobHears.poll(10, TimeUnit.SECONDS);
            assertThat(online).isNotNull();
            assertThat(online.getString("user")).isEqualTo("alice");
            assertThat(online.getString("status")).isEqualTo("online");

            JSONObject sent = ack(bob, "message", new JSONObject().put("room", "lobby").put("text", "hi XMPP"));
            Message fromWeb = said(lobby);
            assertThat(fromWeb.getFrom().toString()).isEqualTo("lobby@" + SERVICE + "/bob");
            assertThat(fromWeb.getBody()).isEqualTo("hi XMPP");
            assertThat(StanzaIdElement.getStanzaId(fromWeb).getId()).isEqualTo(String.valueOf(sent.getLong("id")));
            bobHears.poll(10, TimeUnit.SECONDS);

            Message mine = lobby.buildMessage().setBody("hi web").build();
            lobby.sendMessage(mine.asBuilder());
            Message reflected = said(lobby);
            assertThat(reflected.getBody()).isEqualTo("hi web");
            assertThat(reflected.getFrom().toString()).as("said under the nickname")
                    .isEqualTo("lobby@" + SERVICE + "/Ali");
            assertThat(reflected.getStanzaId()).as("the sender knows its own message").isEqualTo(mine.getStanzaId());
            JSONObject atBob = bobHears.poll(10, TimeUnit.SECONDS);
            assertThat(atBob).isNotNull();
            assertThat(atBob.getString("user")).isEqualTo("alice");
            assertThat(atBob.getString("text")).isEqualTo("hi web");
            assertThat(StanzaIdElement.getStanzaId(reflected).getId())
                    .isEqualTo(String.valueOf(atBob.getLong("id")));

            lobby.leave();
            JSONObject offline = bobHears.poll(10, TimeUnit.SECONDS);
            assertThat(offline).isNotNull();
            assertThat(offline.getString("status")).isEqualTo("offline");
        } finally {
            alice.disconnect();
            bob.close();
        }
    }

    @Test
    void aJoinGetsTheRoomsHistoryWithItsDates() throws Exception {
        Socket dave = socket(node.port(), register(node.port(), "dave"));
        register(node.port(), "erin");
        XMPPTCPConnection erin = node.smack().connection("erin", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        try {
            dave.connect();
            await().atMost(Duration.ofSeconds(10)).until(dave::connected);
            ack(dave, "join", new JSONObject().put("room", "history"));
            for (int i = 1; i <= 3; i++) {
                ack(dave, "message", new JSONObject().put("room", "history").put("text", "said " + i));
            }
            erin.connect().login();
            MultiUserChat room = MultiUserChatManager.getInstanceFor(erin)
                    .getMultiUserChat(JidCreate.entityBareFrom("history@" + SERVICE));

            room.join(room.getEnterConfigurationBuilder(Resourcepart.from("erin")).requestMaxStanzasHistory(2)
                    .build());

            Message first = said(room);
            Message second = said(room);
            assertThat(List.of(first.getBody(), second.getBody())).containsExactly("said 2", "said 3");
            assertThat(DelayInformation.from(first)).isNotNull();
            assertThat(first.getFrom().toString()).isEqualTo("history@" + SERVICE + "/dave");

            RoomInfo info = MultiUserChatManager.getInstanceFor(erin).getRoomInfo(
                    JidCreate.entityBareFrom("history@" + SERVICE));
            assertThat(info.isMembersOnly()).isFalse();
            assertThat(info.isNonanonymous()).isTrue();
            assertThat(MultiUserChatManager.getInstanceFor(erin).getRoomsHostedBy(JidCreate.domainBareFrom(SERVICE)))
                    .containsKey(JidCreate.entityBareFrom("history@" + SERVICE));
        } finally {
            erin.disconnect();
            dave.close();
        }
    }

    @Test
    void aRoomItsXmppOwnerSetsUpLetsInTheWebUsersItsSettingsAdmit() throws Exception {
        register(node.port(), "olga");
        Socket pete = socket(node.port(), register(node.port(), "pete"));
        XMPPTCPConnection olga = node.smack().connection("olga", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        try {
            olga.connect().login();
            connect(pete);
            MultiUserChat club = MultiUserChatManager.getInstanceFor(olga)
                    .getMultiUserChat(JidCreate.entityBareFrom("club@" + SERVICE));
            club.create(Resourcepart.from("Olga")).getConfigFormManager().makeMembersOnly().submitConfigurationForm();

            assertThat(refusal(pete, "club")).isEqualTo("the room is open to its members only");
            club.grantMembership(JidCreate.bareFrom("pete@" + DOMAIN));
            ack(pete, "join", new JSONObject().put("room", "club"));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(club.getOccupants())
                    .extracting(Object::toString).contains("club@" + SERVICE + "/pete"));

            club.destroy("closing time", null);
            assertThat(refusal(pete, "club")).as("destroyed, the room is anyone's to create again").isNull();
        } finally {
            olga.disconnect();
            pete.close();
        }
    }

    @Test
    void aFullRoomTurnsAwayWhoeverComesNextButItsOwner() throws Exception {
        register(node.port(), "quinn");
        register(node.port(), "ruth");
        Socket sam = socket(node.port(), register(node.port(), "sam"));
        XMPPTCPConnection quinn = node.smack().connection("quinn", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        XMPPTCPConnection quinnsLaptop = node.smack().connection("quinn", WebUsers.PASSWORD, "laptop",
                "SCRAM-SHA-1");
        XMPPTCPConnection ruth = node.smack().connection("ruth", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        try {
            quinn.connect().login();
            quinnsLaptop.connect().login();
            ruth.connect().login();
            connect(sam);
            EntityBareJid address = JidCreate.entityBareFrom("booth@" + SERVICE);
            MultiUserChat booth = MultiUserChatManager.getInstanceFor(quinn).getMultiUserChat(address);
            booth.create(Resourcepart.from("Quinn")).makeInstant();
            FillableForm form = booth.getConfigurationForm().getFillableForm();
            form.setAnswer("muc#roomconfig_maxusers", 2);
            booth.sendConfigurationForm(form);
            ack(sam, "join", new JSONObject().put("room", "booth"));

            MultiUserChat atRuth = MultiUserChatManager.getInstanceFor(ruth).getMultiUserChat(address);
            assertThatThrownBy(() -> atRuth.join(Resourcepart.from("Ruth")))
                    .isInstanceOfSatisfying(XMPPErrorException.class, error -> assertThat(error.getStanzaError()
                            .getCondition()).isEqualTo(StanzaError.Condition.service_unavailable));
            assertThat(refusal(sam, "booth")).as("already in").isNull();
            MultiUserChat onTheLaptop = MultiUserChatManager.getInstanceFor(quinnsLaptop).getMultiUserChat(address);
            onTheLaptop.join(Resourcepart.from("Q2"));
            // Smack fills its occupant list from presence its listeners take in their own time.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(onTheLaptop.getOccupants())
                    .as("its owner comes in all the same").extracting(Object::toString)
                    .containsExactlyInAnyOrder(address + "/Quinn", address + "/Q2", address + "/sam"));
        } finally {
            quinn.disconnect();
            quinnsLaptop.disconnect();
            ruth.disconnect();
            sam.close();
        }
    }

    /** @return the error a web user's join gets; null when they are let in */
    private static String refusal(Socket socket, String room) throws Exception {
        CompletableFuture<JSONObject> answer = new CompletableFuture<>();
        socket.emit("join", new Object[] {new JSONObject().put("room", room)},
                (Ack) args -> answer.complete((JSONObject) args[0]));
        JSONObject reply = answer.get(10, TimeUnit.SECONDS);
        return reply.has("error") ? reply.getString("error") : null;
    }

    /** The room's next message with words in it: the subject that ends a join has none. */
    private static Message said(MultiUserChat room) throws Exception {
        for (Message message = room.nextMessage(10_000); message != null; message = room.nextMessage(10_000)) {
            if (message.getBody() != null) {
                return message;
            }
        }
        throw new AssertionError("no message in 10 s");
    }
}
