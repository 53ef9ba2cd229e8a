package dev.chorus.xmppface;

import dev.chorus.core.limits.UserConnections;
import dev.chorus.xmpp.stream.BindRefusedException;
import dev.chorus.xmpp.stream.ResourceBinder;
import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.StanzaHandler;
import dev.chorus.xmpp.stream.XmppClient;
import dev.chorus.xmpp.xml.StreamError;
import dev.chorus.xmpp.xml.XmlElement;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The XMPP resources bound on this node. A resource is one of the user's connections, counted with their Socket.IO
 * ones against {@code max-connections-per-user} over the whole cluster ({@code resource-constraint} past it). A
 * resource bound again on this node takes over: the older stream ends with {@code conflict}, as a client reconnecting
 * over a dead link expects.
 */
public final class XmppResources implements ResourceBinder {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What the ids of XMPP resources among a user's connections start with; the resourcepart is after a ':'. */
    private static final String CONNECTION_PREFIX = "xmpp-";

    private final UserConnections connections;
    private final String domain;
    private final BoundResources bound;
    private final Function<LocalResource, StanzaHandler> handlers;
    private final AtomicLong ids = new AtomicLong();
    private final String node;

    /**
     * @param node     this node's name among the connections' ids
     * @param bound    where the resources bound here are kept
     * @param handlers what handles the stanzas of each resource bound
     */
    XmppResources(UserConnections connections, String domain, String node, BoundResources bound,
            Function<LocalResource, StanzaHandler> handlers) {
        this.connections = connections;
        this.domain = domain;
        this.node = node;
        this.bound = bound;
        this.handlers = handlers;
    }

    @Override
    public CompletableFuture<Binding> bind(XmppClient client, String username, String requested) {
        String resourcepart = requested != null ? requested : "chorus-" + Long.toHexString(RANDOM.nextLong());
        String bareJid = username.toLowerCase(Locale.ROOT) + "@" + domain;
        String connection = CONNECTION_PREFIX + node + "-" + ids.incrementAndGet() + ":" + resourcepart;
        return connections.add(username, connection).thenApply(added -> {
            if (!added) {
                connections.remove(username, connection);
                throw new BindRefusedException(StanzaError.RESOURCE_CONSTRAINT,
                        "at most " + connections.maxPerUser() + " connections per user");
            }
            LocalResource resource = new LocalResource(username, bareJid, client, connection);
            LocalResource previous = bound.put(bareJid + "/" + resourcepart, resource);
            if (previous != null) {
                previous.client().end(StreamError.CONFLICT, "the resource was bound by a newer stream");
            }
            StanzaHandler handler = handlers.apply(resource);
            return new Binding(resourcepart, new StanzaHandler() {
                @Override
                public boolean handle(XmlElement stanza) {
                    return handler.handle(stanza);
                }

                @Override
                public void closed() {
                    unbind(bareJid + "/" + resourcepart, resource);
                    handler.closed();
                }
            });
        });
    }

    private void unbind(String jid, LocalResource resource) {
        bound.remove(jid, resource);
        connections.remove(resource.username(), resource.connection());
    }

    /** Ends every stream bound here: the node stops, and says so ({@code system-shutdown}). */
    public void endAll(StreamError error, String text) {
        bound.all().forEach(resource -> resource.client().end(error, text));
    }

    /** The resourcepart a connection id names; null when the id is not an XMPP resource's. */
    static String resourceOf(String connection) {
        int colon = connection.indexOf(':');
        return connection.startsWith(CONNECTION_PREFIX) && colon > 0 ? connection.substring(colon + 1) : null;
    }
}
