package dev.chorus.xmppface;

import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.limits.UserConnections;
import dev.chorus.core.message.Conversation;
import dev.chorus.core.message.MessageListener;
import dev.chorus.core.message.Messages;
import dev.chorus.core.message.Post;
import dev.chorus.xmpp.stream.ResourceBinder;
import dev.chorus.xmpp.xml.StreamError;
import java.util.List;

/**
 * The chat core as XMPP clients see it: the resources bound on this node, what their stanzas ask of the core, and
 * the messages of the cluster rendered as stanzas for them.
 */
public final class XmppFace {
    private final XmppResources resources;
    private final DirectChat direct;

    public XmppFace(Messages messages, UserConnections connections, String domain) {
        this.direct = new DirectChat(messages, domain);
        this.resources = new XmppResources(connections, domain, resource -> new ResourceHandler(resource, direct));
    }

    /** Where streams bind their resources. */
    public ResourceBinder binder() {
        return resources;
    }

    /** Hears every message delivered on this node, whichever face sent it and whichever node stored it. */
    public MessageListener messages() {
        return this::posted;
    }

    private void posted(Post post, ChatMessage message) {
        if (post.conversation() instanceof Conversation.Direct pair) {
            List<LocalResource> recipients = resources.of(pair.to());
            List<LocalResource> senders = resources.of(pair.from());
            if (!recipients.isEmpty() || !senders.isEmpty()) {
                direct.deliver(pair, message, recipients, senders);
            }
        }
    }

    /** How many resources are bound on this node. */
    public int resources() {
        return resources.size();
    }

    /** Ends every stream bound here, saying why. */
    public void endAll(StreamError error, String text) {
        resources.endAll(error, text);
    }
}
