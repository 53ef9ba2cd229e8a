package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.register;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.server.NodeScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.filter.MessageWithBodiesFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The web chat's direct messages in headless Chromium ({@code webchat-dm.js}) with an XMPP user (Smack) on the
 * other end: what the XMPP user said before is in the conversation the page opens, the page's reply reaches the
 * XMPP user with the id the page shows, the XMPP user's live answer shows on the page, and a reload keeps it all.
 */
class XmppWebPageIT {
    private static final String RESULT_PREFIX = "WEBCHAT-DM-RESULT ";

    @RegisterExtension
    static final OneXmppNode node = new OneXmppNode();

    @Test
    void aWebUserAndAnXmppUserTalkOnThePage() throws Exception {
        register(node.port(), "wes");
        register(node.port(), "xavier");
        XMPPTCPConnection xavier = node.smack().connection("xavier", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        BlockingQueue<Message> atXavier = new LinkedBlockingQueue<>();
        xavier.addAsyncStanzaListener(stanza -> {
            Message message = (Message) stanza;
            atXavier.add(message);
            if ("hi from the browser".equals(message.getBody())) {
                try {
                    xavier.sendStanza(chat(xavier, "live from XMPP"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }, MessageWithBodiesFilter.INSTANCE);
        try {
            xavier.connect().login();
            xavier.sendStanza(chat(xavier, "hi from XMPP"));

            JsonNode result = NodeScript.run(Path.of(System.getProperty("web.browser.dir")), Duration.ofSeconds(90),
                    RESULT_PREFIX, Map.of(), "webchat-dm.js", Integer.toString(node.port()), "wes", WebUsers.PASSWORD,
                    "xavier");

            Message reply = atXavier.poll(10, TimeUnit.SECONDS);
            assertThat(reply).isNotNull();
            assertThat(reply.getFrom().toString()).isEqualTo("wes@" + SmackClients.DOMAIN);
            assertThat(StanzaIdElement.getStanzaId(reply).getId()).as("the id the page shows")
                    .isEqualTo(result.path("live").path(1).asText());
            assertThat(strings(result.path("live"))).doesNotContainNull().doesNotHaveDuplicates();
            assertThat(result.path("reloaded")).isEqualTo(result.path("live"));
        } finally {
            xavier.disconnect();
        }
    }

    private static Message chat(XMPPTCPConnection from, String text) throws Exception {
        return from.getStanzaFactory().buildMessageStanza().to(JidCreate.entityBareFrom("wes@" + SmackClients.DOMAIN))
                .ofType(Message.Type.chat).setBody(text).build();
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(item -> strings.add(item.isNull() ? null : item.asText()));
        return strings;
    }
}
