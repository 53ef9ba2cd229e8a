package dev.chorus.xmppface;

import dev.chorus.core.Chat;
import dev.chorus.core.contact.Contacts;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.limits.UserConnections;
import dev.chorus.core.message.Conversation;
import dev.chorus.core.message.MessageListener;
import dev.chorus.core.message.Post;
import dev.chorus.core.room.OccupantStore;
import dev.chorus.core.room.RoomEvents;
import dev.chorus.xmpp.stream.ResourceBinder;
import dev.chorus.xmpp.xml.StreamError;
import java.time.Clock;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The chat core as XMPP clients see it: the resources bound on this node, what their stanzas ask of the core, and
 * what happens in the cluster — messages, who comes and goes in a room — rendered as stanzas for them.
 */
public final class XmppFace {
    private final BoundResources bound;
    private final XmppResources resources;
    private final DirectChat direct;
    private final MultiUserChat muc;
    private final StanzaRouter router;
    private final Availability availability;

    /**
     * @param contacts the users' rosters, kept with their accounts
     * @param seats    the nicknames taken in the rooms
     * @param node     this node's id in the cluster
     */
    public XmppFace(Chat chat, Contacts contacts, OccupantStore seats, UserConnections connections, String domain,
            String node, Clock clock) {
        Occupants occupants = new Occupants();
        this.direct = new DirectChat(chat.messages(), domain);
        this.muc = new MultiUserChat(chat.rooms(), chat.messages(), chat.history(), seats, occupants, domain, node,
                clock);
        RoomOwner owner = new RoomOwner(chat.rooms(), seats, muc, domain);
        Discovery discovery = new Discovery(domain, muc.service(), chat.rooms(), seats);
        Archive archive = new Archive(chat.history(), domain, muc.service());
        this.bound = new BoundResources(domain);
        this.router = new StanzaRouter(bound, connections);
        Rosters rosters = new Rosters(contacts, router, domain);
        this.availability = new Availability(contacts, router, bound, domain, node);
        Subscriptions subscriptions = new Subscriptions(contacts, rosters, availability, router, domain);
        Restoration restoration = new Restoration(muc, direct, availability, chat.history());
        this.resources = new XmppResources(connections, domain, node, bound, resource -> new ResourceHandler(
                new RoomConnection(resource, occupants), direct, muc, owner, discovery, archive, router, rosters,
                subscriptions, availability, restoration, domain), clock);
        connections.onVanished(vanished -> {
            availability.vanished(vanished);
            muc.vanished(vanished.node());
        });
        // A room closed on this node; the other nodes' closings come through closedElsewhere.
        chat.rooms().onClosed(muc::closed);
    }

    /** The room service's address: {@code conference.DOMAIN}. */
    public String roomService() {
        return muc.service();
    }

    /** How many resources are bound on this node. */
    public int boundResources() {
        return bound.size();
    }

    /** Where streams bind their resources. */
    public ResourceBinder binder() {
        return resources;
    }

    /** Hears every message delivered on this node, whichever face sent it and whichever node stored it. */
    public MessageListener messages() {
        return this::posted;
    }

    /** Whether a room has occupants on this node, whom its messages are for. */
    public boolean hasOccupantsIn(String room) {
        return muc.hasOccupantsHere(room);
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
            List<LocalResource> recipients = bound.of(pair.to());
            List<LocalResource> senders = bound.of(pair.from());
            if (!recipients.isEmpty() || !senders.isEmpty()) {
                direct.deliver(pair, message, recipients, senders);
            }
        } else {
            muc.posted(message);
        }
    }

    /**
     * How stanzas for a resource bound elsewhere leave this node: its full address and the stanza as XML, for
     * {@link #routed} on the other nodes.
     */
    public void routeElsewhere(BiConsumer<String, String> sender) {
        router.elsewhere(sender);
    }

    /** How news of the rooms' occupants and subjects leaves this node, as JSON for {@link #roomNews}. */
    public void roomNewsElsewhere(Consumer<String> sender) {
        muc.elsewhere(sender);
    }

    /** News of a room's occupants or subject from another node. */
    public void roomNews(String json) {
        muc.heard(RoomNews.read(json));
    }

    /** A stanza another node routed here for a full address, handed over when it is bound here. */
    public void routed(String jid, String xml) {
        router.arrived(jid, xml);
    }

    /** An admin closed the room on another node: its occupants here are out of it. */
    public void closedElsewhere(String room) {
        muc.closed(room);
    }

    /** A web chat connection of the user opened on this node: their contacts see them available. */
    public void webOpened(String user, String connection) {
        availability.webOpened(user, connection);
    }

    /** A web chat connection of the user closed on this node. */
    public void webClosed(String user, String connection) {
        availability.webClosed(user, connection);
    }

    /** An admin kicked the user: their streams bound here end, as their sockets do. */
    public void kick(String user) {
        bound.of(user).forEach(resource -> resource.client().end(StreamError.POLICY_VIOLATION,
                "an admin ended this user's chat"));
    }

    /** Ends every stream bound here, saying why. */
    public void endAll(StreamError error, String text) {
        resources.endAll(error, text);
    }
}
