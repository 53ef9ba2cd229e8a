package dev.chorus.xmppface;

import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.message.Conversation;
import dev.chorus.core.message.Messages;
import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.List;
import java.util.Locale;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * One-to-one messages are the web chat's direct messages: an XMPP {@code chat} message is sent as one, stored in the
 * pair's conversation with the same id whichever face sent it, and each direct message reaches the recipient's
 * resources and, as carbons (XEP-0280), the sender's other resources that asked for them.
 */
final class DirectChat {

    private final Messages messages;
    private final String domain;

    DirectChat(Messages messages, String domain) {
        this.messages = messages;
        this.domain = domain;
    }

    /**
     * A message stanza from a resource to a user of this domain.
     *
     * @return false when it is not one this face handles (another domain, the server itself)
     */
    boolean send(LocalResource from, XmlElement message) {
        String type = message.attribute("type");
        if ("error".equals(type)) {
            return true;
        }
        Jid to;
        try {
            to = JidCreate.from(message.attribute("to"));
        } catch (XmppStringprepException | IllegalArgumentException | NullPointerException e) {
            return false;
        }
        if (!to.getDomain().toString().equalsIgnoreCase(domain)) {
            from.send(Stanzas.error(message, StanzaError.REMOTE_SERVER_NOT_FOUND,
                    "this server talks to " + domain + " only"));
            return true;
        }
        if (to.getLocalpartOrNull() == null) {
            return false;
        }
        if ("groupchat".equals(type)) {
            from.send(Stanzas.error(message, StanzaError.BAD_REQUEST, "a groupchat message goes to a room"));
            return true;
        }
        String text = message.child("body", Namespaces.CLIENT).map(XmlElement::text).orElse(null);
        if (text == null || text.isEmpty()) {
            // Chat states and receipts with no text: nothing to store.
            return true;
        }
        String recipient = to.getLocalpartOrNull().toString();
        String key = echoKey(from.username(), recipient, text);
        from.sending(key, null);
        messages.direct(from.username(), recipient, text, ClientIds.of(message), from.resourcepart())
                .thenAccept(outcome -> {
            if (outcome instanceof Messages.Outcome.Refused refused) {
                from.execute(() -> {
                    from.sent(key);
                    from.send(Stanzas.error(message, Refusals.condition(refused.reason()), refused.message()));
                });
            }
        });
        return true;
    }

    /** A direct message stored by any node, to this node's resources of both users. */
    void deliver(Conversation.Direct direct, ChatMessage message, List<LocalResource> recipients,
            List<LocalResource> senders) {
        String fromBare = direct.from().toLowerCase(Locale.ROOT) + "@" + domain;
        String fromJid = sender(message);
        String toJid = direct.to().toLowerCase(Locale.ROOT) + "@" + domain;
        for (LocalResource recipient : recipients) {
            recipient.execute(() -> recipient.directMessage(message.id(), chat(message, fromJid, recipient.jid(),
                    toJid)));
        }
        if (direct.from().equalsIgnoreCase(direct.to())) {
            return;
        }
        String key = echoKey(direct.from(), direct.to(), message.text());
        for (LocalResource sender : senders) {
            sender.execute(() -> {
                if (sender.sent(key) == null && sender.carbons()) {
                    sender.send(XmlElement.builder("message", Namespaces.CLIENT)
                            .attribute("from", fromBare).attribute("to", sender.jid()).attribute("type", "chat")
                            .child(XmlElement.builder("sent", XmppNamespaces.CARBONS)
                                    .child(XmlElement.builder("forwarded", XmppNamespaces.FORWARD)
                                            .child(chat(message, fromJid, toJid, fromBare)).build())
                                    .build())
                            .build());
                }
            });
        }
    }

    /**
     * A direct message a restored resource missed, sent to it as it would have been: those its user sent from other
     * resources are in the archive, not resent.
     */
    void sendMissed(LocalResource resource, ChatMessage message) {
        if (message.user().equalsIgnoreCase(resource.username())) {
            return;
        }
        resource.missed(null, message.id(), chat(message, sender(message), resource.jid(), resource.bareJid()));
    }

    /** The address a message is from: its sender's resource that sent it, else the sender. */
    private String sender(ChatMessage message) {
        String bare = message.user().toLowerCase(Locale.ROOT) + "@" + domain;
        return message.sentAs() == null ? bare : bare + "/" + message.sentAs();
    }

    /** The message as its archive's owner sees it: its sender's id, and the id it is stored under. */
    private static XmlElement chat(ChatMessage message, String from, String to, String archive) {
        String id = Long.toString(message.id());
        return XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("from", from).attribute("to", to).attribute("type", "chat")
                .attribute("id", message.clientId() == null ? id : message.clientId())
                .child("body", Namespaces.CLIENT, message.text())
                .child(XmlElement.builder("stanza-id", XmppNamespaces.STANZA_ID).attribute("id", id)
                        .attribute("by", archive).build())
                .build();
    }

    private static String echoKey(String from, String to, String text) {
        return from.toLowerCase(Locale.ROOT) + "\n" + to.toLowerCase(Locale.ROOT) + "\n" + text;
    }
}
