package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.ack;
import static dev.chorus.server.xmpp.WebUsers.connect;
import static dev.chorus.server.xmpp.WebUsers.register;
import static dev.chorus.server.xmpp.WebUsers.socket;
import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.impl.JidCreate;

/**
 * One-to-one messages between XMPP and the web are the web chat's direct messages: one store, one id, both ways;
 * carbons show a user on several resources both sides.
 */
class XmppDirectMessagesIT {
    private static final String DOMAIN = SmackClients.DOMAIN;

    @RegisterExtension
    static final OneXmppNode node = new OneXmppNode();

    @Test
    void anXmppUserAndAWebUserTalkInOneConversation() throws Exception {
        register(node.port(), "alice");
        Socket bob = socket(node.port(), register(node.port(), "bob"));
        BlockingQueue<JSONObject> bobsDms = new LinkedBlockingQueue<>();
        bob.on("dm", args -> bobsDms.add((JSONObject) args[0]));
        XMPPTCPConnection alice = node.smack().connection("alice", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        BlockingQueue<Message> alicesMessages = messages(alice);
        try {
            alice.connect().login();
            connect(bob);

            JSONObject sent = ack(bob, "dm", new JSONObject().put("to", "alice").put("text", "hello from the web"));
            Message received = alicesMessages.poll(10, TimeUnit.SECONDS);
            assertThat(received).isNotNull();
            assertThat(received.getFrom().toString()).isEqualTo("bob@" + DOMAIN);
            assertThat(received.getType()).isEqualTo(Message.Type.chat);
            assertThat(received.getBody()).isEqualTo("hello from the web");
            assertThat(StanzaIdElement.getStanzaId(received).getId()).isEqualTo(String.valueOf(sent.getLong("id")));
            bobsDms.poll(10, TimeUnit.SECONDS);

            alice.sendStanza(MessageBuilder.buildMessage("x1").to(JidCreate.from("bob@" + DOMAIN))
                    .ofType(Message.Type.chat).setBody("hello from XMPP").build());
            JSONObject dm = bobsDms.poll(10, TimeUnit.SECONDS);
            assertThat(dm).isNotNull();
            assertThat(dm.getString("from")).isEqualTo("alice");
            assertThat(dm.getString("text")).isEqualTo("hello from XMPP");
            assertThat(dm.getLong("id")).isGreaterThan(sent.getLong("id"));

            JSONObject history = ack(bob, "dm-history", new JSONObject().put("with", "alice"));
            JSONArray messages = history.getJSONArray("messages");
            assertThat(messages.length()).isEqualTo(2);
            assertThat(messages.getJSONObject(1).getString("text")).isEqualTo("hello from XMPP");
            assertThat(messages.getJSONObject(1).getLong("id")).isEqualTo(dm.getLong("id"));
            assertThat(alicesMessages.poll(500, TimeUnit.MILLISECONDS)).as("no echo of her own message").isNull();
        } finally {
            alice.disconnect();
            bob.close();
        }
    }

    @Test
    void carbonsShowTheOtherResourcesWhatTheUserSent() throws Exception {
        register(node.port(), "carol");
        register(node.port(), "dave");
        XMPPTCPConnection desk = node.smack().connection("carol", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        XMPPTCPConnection phone = node.smack().connection("carol", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        BlockingQueue<Message> copies = new LinkedBlockingQueue<>();
        try {
            desk.connect().login();
            phone.connect().login();
            CarbonManager.getInstanceFor(phone).enableCarbons();
            CarbonManager.getInstanceFor(phone).addCarbonCopyReceivedListener(
                    (direction, carbonCopy, wrapping) -> {
                        if (direction == CarbonExtension.Direction.sent) {
                            copies.add(carbonCopy);
                        }
                    });

            desk.sendStanza(MessageBuilder.buildMessage("c1").to(JidCreate.from("dave@" + DOMAIN))
                    .ofType(Message.Type.chat).setBody("sent from the desk").build());

            Message copy = copies.poll(10, TimeUnit.SECONDS);
            assertThat(copy).isNotNull();
            assertThat(copy.getTo().toString()).isEqualTo("dave@" + DOMAIN);
            assertThat(copy.getBody()).isEqualTo("sent from the desk");
        } finally {
            desk.disconnect();
            phone.disconnect();
        }
    }

    @Test
    void aMessageToNoOneIsAnsweredWithAnError() throws Exception {
        register(node.port(), "erin");
        XMPPTCPConnection erin = node.smack().connection("erin", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        BlockingQueue<Message> received = messages(erin);
        try {
            erin.connect().login();
            erin.sendStanza(MessageBuilder.buildMessage("lost").to(JidCreate.from("nobody@" + DOMAIN))
                    .ofType(Message.Type.chat).setBody("anyone there?").build());

            Message error = received.poll(10, TimeUnit.SECONDS);
            assertThat(error).isNotNull();
            assertThat(error.getType()).isEqualTo(Message.Type.error);
            assertThat(error.getStanzaId()).isEqualTo("lost");
            assertThat(error.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
        } finally {
            erin.disconnect();
        }
    }

    private static BlockingQueue<Message> messages(XMPPTCPConnection connection) {
        BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
        connection.addStanzaListener(stanza -> messages.add((Message) stanza), StanzaTypeFilter.MESSAGE);
        return messages;
    }
}
