package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.connect;
import static dev.chorus.server.xmpp.WebUsers.register;
import static dev.chorus.server.xmpp.WebUsers.socket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chorus.server.Main;
import dev.chorus.server.config.Keys;
import io.socket.client.Ack;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

/** Two nodes in one Redis: XMPP users on either, and web users, reach each other once; resources count cluster-wide. */
class XmppClusterIT {
    private static final String DOMAIN = SmackClients.DOMAIN;

    @RegisterExtension
    static final TwoXmppNodes cluster = new TwoXmppNodes(settings -> settings.with(Keys.MAX_CONNECTIONS_PER_USER, 1));

    @Test
    void directMessagesCrossNodesOnceWhicheverFaceSendsThem() throws Exception {
        register(cluster.node(0).port(), "alice");
        register(cluster.node(0).port(), "bob");
        String carolsCookie = register(cluster.node(0).port(), "carol");
        XMPPTCPConnection alice = cluster.smack(0).connection("alice", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        XMPPTCPConnection bob = cluster.smack(1).connection("bob", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        BlockingQueue<Message> alices = messages(alice);
        BlockingQueue<Message> bobs = messages(bob);
        Socket carol = socket(cluster.node(1).port(), carolsCookie);
        try {
            alice.connect().login();
            bob.connect().login();
            carol.connect();
            await().atMost(Duration.ofSeconds(10)).until(carol::connected);

            alice.sendStanza(chat("bob", "from node 0"));
            Message atBob = bobs.poll(10, TimeUnit.SECONDS);
            assertThat(atBob).isNotNull();
            assertThat(atBob.getFrom().toString()).as("from the client that sent it").isEqualTo("alice@" + DOMAIN
                    + "/phone");
            assertThat(atBob.getBody()).isEqualTo("from node 0");

            bob.sendStanza(chat("alice", "from node 1"));
            assertThat(alices.poll(10, TimeUnit.SECONDS)).extracting(Message::getBody).isEqualTo("from node 1");

            carol.emit("dm", new JSONObject().put("to", "alice").put("text", "from the web on node 1"));
            assertThat(alices.poll(10, TimeUnit.SECONDS)).extracting(Message::getBody)
                    .isEqualTo("from the web on node 1");

            assertThat(bobs.poll(500, TimeUnit.MILLISECONDS)).as("nothing twice").isNull();
            assertThat(alices.poll(500, TimeUnit.MILLISECONDS)).as("nothing twice").isNull();
        } finally {
            alice.disconnect();
            bob.disconnect();
            carol.close();
        }
    }

    @Test
    void aRoomsMessagesReachBothFacesOnBothNodesOnceInOneOrder() throws Exception {
        register(cluster.node(0).port(), "frank");
        register(cluster.node(0).port(), "grace");
        String heidisCookie = register(cluster.node(0).port(), "heidi");
        XMPPTCPConnection frank = cluster.smack(0).connection("frank", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        XMPPTCPConnection grace = cluster.smack(1).connection("grace", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        Socket heidi = socket(cluster.node(1).port(), heidisCookie);
        BlockingQueue<JSONObject> heidiHears = new LinkedBlockingQueue<>();
        heidi.on("message", args -> heidiHears.add((JSONObject) args[0]));
        try {
            frank.connect().login();
            grace.connect().login();
            heidi.connect();
            await().atMost(Duration.ofSeconds(10)).until(heidi::connected);
            CompletableFuture<Object> joined = new CompletableFuture<>();
            heidi.emit("join", new Object[] {new JSONObject().put("room", "team")}, (Ack) joined::complete);
            joined.get(10, TimeUnit.SECONDS);
            MultiUserChat atFrank = MultiUserChatManager.getInstanceFor(frank)
                    .getMultiUserChat(JidCreate.entityBareFrom("team@conference." + DOMAIN));
            MultiUserChat atGrace = MultiUserChatManager.getInstanceFor(grace)
                    .getMultiUserChat(JidCreate.entityBareFrom("team@conference." + DOMAIN));
            atFrank.join(Resourcepart.from("frank"));
            atGrace.join(Resourcepart.from("grace"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atFrank.getOccupants())
                    .extracting(occupant -> occupant.getResourceOrEmpty().toString())
                    .containsExactlyInAnyOrder("frank", "grace", "heidi"));

            for (int i = 0; i < 5; i++) {
                atFrank.sendMessage("frank " + i);
                atGrace.sendMessage("grace " + i);
            }

            List<String> atHeidi = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                JSONObject message = heidiHears.poll(10, TimeUnit.SECONDS);
                assertThat(message).as("message %d at heidi", i).isNotNull();
                atHeidi.add(message.getLong("id") + " " + message.getString("text"));
            }
            assertThat(said(atFrank, 10)).as("frank's order is heidi's").isEqualTo(atHeidi);
            assertThat(said(atGrace, 10)).as("grace's order is heidi's").isEqualTo(atHeidi);
            assertThat(heidiHears.poll(500, TimeUnit.MILLISECONDS)).as("nothing twice").isNull();
            assertThat(atFrank.pollMessage()).isNull();
        } finally {
            frank.disconnect();
            grace.disconnect();
            heidi.close();
        }
    }

    @Test
    void aRoomsNicknamesSettingsAndSubjectAreTheClustersWhicheverNodeServesTheOccupant() throws Exception {
        register(cluster.node(0).port(), "kate");
        register(cluster.node(0).port(), "liam");
        XMPPTCPConnection kate = cluster.smack(0).connection("kate", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        XMPPTCPConnection liam = cluster.smack(1).connection("liam", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        try {
            kate.connect().login();
            liam.connect().login();
            EntityBareJid address = JidCreate.entityBareFrom("guild@conference." + DOMAIN);
            MultiUserChat atKate = MultiUserChatManager.getInstanceFor(kate).getMultiUserChat(address);
            MultiUserChat atLiam = MultiUserChatManager.getInstanceFor(liam).getMultiUserChat(address);
            atKate.create(Resourcepart.from("Ka")).getConfigFormManager().setRoomName("The Guild")
                    .setAndEnablePassword("open sesame").submitConfigurationForm();

            assertThatThrownBy(() -> atLiam.join(Resourcepart.from("Li"))).as("set up on node 0, kept on node 1")
                    .isInstanceOfSatisfying(XMPPErrorException.class, error -> assertThat(error.getStanzaError()
                            .getCondition()).isEqualTo(StanzaError.Condition.not_authorized));
            assertThatThrownBy(() -> atLiam.join(Resourcepart.from("Ka"), "open sesame"))
                    .as("a nickname held on node 0 is held on node 1")
                    .isInstanceOfSatisfying(XMPPErrorException.class, error -> assertThat(error.getStanzaError()
                            .getCondition()).isEqualTo(StanzaError.Condition.conflict));
            atLiam.join(Resourcepart.from("Li"), "open sesame");
            assertThat(MultiUserChatManager.getInstanceFor(liam).getRoomInfo(address).getName())
                    .isEqualTo("The Guild");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atKate.getOccupants())
                    .extracting(Object::toString)
                    .containsExactlyInAnyOrder(address + "/Ka", address + "/Li"));
            assertThat(atKate.getOccupant(JidCreate.entityFullFrom(address + "/Li")).getJid().toString())
                    .isEqualTo("liam@" + DOMAIN + "/desk");

            atKate.changeSubject("plans");
            await().atMost(Duration.ofSeconds(10)).until(() -> "plans".equals(atLiam.getSubject()));
            atLiam.sendMessage("hello from node 1");
            Message heard = atKate.nextMessage(10_000);
            while (heard != null && heard.getBody() == null) {
                heard = atKate.nextMessage(10_000);
            }
            assertThat(heard).isNotNull();
            assertThat(heard.getFrom().toString()).as("said under her nickname").isEqualTo(address + "/Li");

            atLiam.changeNickname(Resourcepart.from("Liam the Second"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(atKate.getOccupants())
                    .extracting(Object::toString)
                    .containsExactlyInAnyOrder(address + "/Ka", address + "/Liam the Second"));
            assertThatThrownBy(() -> atLiam.changeSubject("mine now")).as("only moderators change the subject")
                    .isInstanceOfSatisfying(XMPPErrorException.class, error -> assertThat(error.getStanzaError()
                            .getCondition()).isEqualTo(StanzaError.Condition.forbidden));

            atKate.destroy("done", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> !atLiam.isJoined());
        } finally {
            kate.disconnect();
            liam.disconnect();
        }
    }

    /** The next {@code count} messages with words in the room, as "id text", skipping the join's subject. */
    private static List<String> said(MultiUserChat room, int count) throws Exception {
        List<String> said = new ArrayList<>();
        while (said.size() < count) {
            Message message = room.nextMessage(10_000);
            assertThat(message).as("message %d in %s", said.size(), room.getRoom()).isNotNull();
            if (message.getBody() != null) {
                said.add(StanzaIdElement.getStanzaId(message).getId() + " " + message.getBody());
            }
        }
        return said;
    }

    @Test
    void anAdminsKickOnOneNodeEndsTheUsersStreamsOnTheOther() throws Exception {
        String admin = register(cluster.node(0).port(), "root");
        assertThat(Main.commandLine().execute("user", "admin", "root", "--redis", cluster.redisUrl())).isZero();
        register(cluster.node(0).port(), "ivan");
        XMPPTCPConnection ivan = cluster.smack(1).connection("ivan", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        try {
            ivan.connect().login();

            HttpResponse<String> kicked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + cluster.node(0).port() + "/admin/api/kick"))
                    .header("Content-Type", "application/json").header("Cookie", admin)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"ivan\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(kicked.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !ivan.isConnected());
        } finally {
            ivan.disconnect();
        }
    }

    @Test
    void anAdminClosingARoomOnOneNodeTakesTheXmppOccupantsOfTheOtherOut() throws Exception {
        String admin = register(cluster.node(0).port(), "chief");
        assertThat(Main.commandLine().execute("user", "admin", "chief", "--redis", cluster.redisUrl())).isZero();
        register(cluster.node(0).port(), "lena");
        XMPPTCPConnection lena = cluster.smack(1).connection("lena", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        try {
            lena.connect().login();
            MultiUserChat room = MultiUserChatManager.getInstanceFor(lena)
                    .getMultiUserChat(JidCreate.entityBareFrom("closing@conference." + DOMAIN));
            room.join(Resourcepart.from("lena"));

            HttpResponse<String> closed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + cluster.node(0).port() + "/admin/api/close-room"))
                    .header("Content-Type", "application/json").header("Cookie", admin)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"room\":\"closing\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(closed.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !room.isJoined());
        } finally {
            lena.disconnect();
        }
    }

    @Test
    void anIqBetweenTwoClientsIsRoutedToTheNodeOfItsFullAddress() throws Exception {
        register(cluster.node(0).port(), "judy");
        register(cluster.node(0).port(), "karl");
        register(cluster.node(0).port(), "nobody-home");
        XMPPTCPConnection judy = cluster.smack(0).connection("judy", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        XMPPTCPConnection karl = cluster.smack(1).connection("karl", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        try {
            judy.connect().login();
            karl.connect().login();

            assertThat(PingManager.getInstanceFor(judy).ping(karl.getUser(), 10_000)).isTrue();
            assertThat(PingManager.getInstanceFor(karl).ping(judy.getUser(), 10_000)).isTrue();

            Ping toNoOne = new Ping(judy, JidCreate.from("nobody-home@" + DOMAIN + "/gone"));
            assertThatThrownBy(() -> judy.createStanzaCollectorAndSend(toNoOne).nextResultOrThrow(10_000))
                    .isInstanceOfSatisfying(XMPPErrorException.class, error -> assertThat(error.getStanzaError()
                            .getCondition()).isEqualTo(StanzaError.Condition.service_unavailable));
        } finally {
            judy.disconnect();
            karl.disconnect();
        }
    }

    @Test
    void aBoshSessionIsServedWhicheverNodeEachRequestReaches() throws Exception {
        register(cluster.node(0).port(), "bosh-betty");
        register(cluster.node(0).port(), "tcp-tom");
        // Requests go to the two nodes in turn, as a round-robin balancer sends them.
        RawBosh betty = new RawBosh(n -> cluster.node(n % 2).port(), 500);
        XMPPTCPConnection tom = cluster.smack(1).connection("tcp-tom", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        BlockingQueue<Message> toms = messages(tom);
        try {
            betty.login("bosh-betty", WebUsers.PASSWORD, "tab");
            tom.connect().login();

            betty.request("<message xmlns='jabber:client' to='tcp-tom@" + DOMAIN + "' type='chat'><body>over BOSH</body></message>");
            assertThat(toms.poll(10, TimeUnit.SECONDS)).extracting(Message::getBody).isEqualTo("over BOSH");

            tom.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bosh-betty@" + DOMAIN + "/tab"))
                    .ofType(Message.Type.chat).setBody("back to BOSH").build());
            assertThat(betty.awaitAnswer("back to BOSH", Duration.ofSeconds(10))).contains("from='tcp-tom@" + DOMAIN
                    + "/desk'");
            for (int i = 0; i < 2; i++) {
                assertThat(betty.cookies()).as("every answer, from the holder or relayed by the other node, names "
                        + "the holder's route").anySatisfy(cookie -> assertThat(cookie).startsWith("chorus_route=route0;"))
                        .noneSatisfy(cookie -> assertThat(cookie).startsWith("chorus_route=route1"));
                betty.request("");
            }
        } finally {
            tom.disconnect();
        }
    }

    @Test
    void aUsersResourcesCountOnEveryNode() throws Exception {
        register(cluster.node(0).port(), "dave");
        XMPPTCPConnection first = cluster.smack(0).connection("dave", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        XMPPTCPConnection second = cluster.smack(1).connection("dave", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        try {
            first.connect().login();
            second.connect();

            assertThatThrownBy(second::login).isInstanceOfSatisfying(XMPPErrorException.class, error -> assertThat(
                    error.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.resource_constraint));
        } finally {
            first.disconnect();
            second.disconnect();
        }
    }

    private static Message chat(String to, String text) throws Exception {
        return MessageBuilder.buildMessage().to(JidCreate.from(to + "@" + DOMAIN)).ofType(Message.Type.chat)
                .setBody(text).build();
    }

    private static BlockingQueue<Message> messages(XMPPTCPConnection connection) {
        BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
        connection.addStanzaListener(stanza -> messages.add((Message) stanza), StanzaTypeFilter.MESSAGE);
        return messages;
    }
}
