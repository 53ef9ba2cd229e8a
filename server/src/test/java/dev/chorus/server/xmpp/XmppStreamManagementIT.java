package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.register;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.Jid;

/**
 * Stream management (XEP-0198) with Smack, as SINT's StreamManagementTest runs it (which needs in-band registration
 * to run itself): a client cut off at once resumes its stream; what it sent while cut off, and what was sent to it,
 * arrive — once.
 */
class XmppStreamManagementIT {
    @RegisterExtension
    static final OneXmppNode node = new OneXmppNode();

    @Test
    void aClientCutOffResumesItsStreamAndNothingIsLostEitherWay() throws Exception {
        register(node.port(), "sm-one");
        register(node.port(), "sm-two");
        XMPPTCPConnection one = node.smack().connection("sm-one", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        XMPPTCPConnection two = node.smack().connection("sm-two", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        BlockingQueue<Message> atOne = messages(one);
        BlockingQueue<Message> atTwo = messages(two);
        try {
            one.connect().login();
            two.connect().login();
            assertThat(one.isSmEnabled()).isTrue();
            assertThat(one.isSmResumptionPossible()).isTrue();

            one.sendStanza(message(two.getUser(), "before"));
            assertThat(atTwo.poll(10, TimeUnit.SECONDS)).extracting(Message::getBody).isEqualTo("before");

            one.instantShutdown();
            one.sendStanza(message(two.getUser(), "while cut off"));
            two.sendStanza(message(one.getUser(), "to the one cut off"));
            one.connect().login();

            assertThat(one.streamWasResumed()).as("resumed, not bound afresh").isTrue();
            assertThat(atTwo.poll(10, TimeUnit.SECONDS)).extracting(Message::getBody).isEqualTo("while cut off");
            assertThat(atOne.poll(10, TimeUnit.SECONDS)).extracting(Message::getBody)
                    .isEqualTo("to the one cut off");
            one.sendStanza(message(two.getUser(), "after"));
            assertThat(atTwo.poll(10, TimeUnit.SECONDS)).extracting(Message::getBody).isEqualTo("after");
            assertThat(atOne.poll(500, TimeUnit.MILLISECONDS)).as("nothing twice").isNull();
            assertThat(atTwo.poll(500, TimeUnit.MILLISECONDS)).as("nothing twice").isNull();
        } finally {
            one.disconnect();
            two.disconnect();
        }
    }

    private static Message message(Jid to, String text) {
        return MessageBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(text).build();
    }

    private static BlockingQueue<Message> messages(XMPPTCPConnection connection) {
        BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
        connection.addAsyncStanzaListener(stanza -> {
            Message message = (Message) stanza;
            if (message.getBody() != null) {
                messages.add(message);
            }
        }, StanzaTypeFilter.MESSAGE);
        return messages;
    }
}
