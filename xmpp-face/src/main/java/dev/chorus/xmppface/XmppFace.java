package dev.chorus.xmppface;

import dev.chorus.core.Chat;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.limits.UserConnections;
import dev.chorus.core.message.Conversation;
import dev.chorus.core.message.MessageListener;
import dev.chorus.core.message.Post;
import dev.chorus.core.room.RoomEvents;
import dev.chorus.xmpp.stream.ResourceBinder;
import dev.chorus.xmpp.xml.StreamError;
import java.util.List;

/**
 * The chat core as XMPP clients see it: the resources bound on this node, what their stanzas ask of the core, and
 * what happens in the cluster — messages, who comes and goes in a room — rendered as stanzas for them.
 */
public final class XmppFace {
    private final XmppResources resources;
    private final DirectChat direct;
    private final MultiUserChat muc;

    public XmppFace(Chat chat, UserConnections connections, String domain) {
        Occupants occupants = new Occupants();
        this.direct = new DirectChat(chat.messages(), domain);
        this.muc = new MultiUserChat(chat.rooms(), chat.messages(), chat.history(), occupants, domain);
        Discovery discovery = new Discovery(domain, muc.service(), chat.rooms());
        Archive archive = new Archive(chat.history(), domain, muc.service());
        this.resources = new XmppResources(connections, domain, resource -> new ResourceHandler(
                new RoomConnection(resource, occupants), direct, muc, discovery, archive, domain));
        // A room closed on this node; other nodes' closings are not broadcast, and reach their own occupants.
        chat.rooms().onClosed(muc::closed);
    }

    /** Where streams bind their resources. */
    public ResourceBinder binder() {
        return resources;
    }

    /** Hears every message delivered on this node, whichever face sent it and whichever node stored it. */
    public MessageListener messages() {
        return this::posted;
    }

    /** Hears who comes to and goes from the rooms, on any node. */
    public RoomEvents roomEvents() {
        return new RoomEvents() {
            @Override
            public void online(String room, String user, String origin) {
                muc.online(room, user, origin);
            }

            @Override
            public void offline(String room, String user, String origin) {
                muc.offline(room, user, origin);
            }

            @Override
            public void typing(String room, String user, String origin) {
                // Typing goes from XMPP to the web; XMPP clients see a room's words, not its keystrokes.
            }

            @Override
            public void closed(String room) {
                muc.closed(room);
            }
        };
    }

    private void posted(Post post, ChatMessage message) {
        if (post.conversation() instanceof Conversation.Direct pair) {
            List<LocalResource> recipients = resources.of(pair.to());
            List<LocalResource> senders = resources.of(pair.from());
            if (!recipients.isEmpty() || !senders.isEmpty()) {
                direct.deliver(pair, message, recipients, senders);
            }
        } else {
            muc.posted(message);
        }
    }

    /** An admin kicked the user: their streams bound here end, as their sockets do. */
    public void kick(String user) {
        resources.of(user).forEach(resource -> resource.client().end(StreamError.POLICY_VIOLATION,
                "an admin ended this user's chat"));
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
