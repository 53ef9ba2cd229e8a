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
import java.time.Clock;
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
    private final Function<LocalResource, ResourceHandler> handlers;
    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final String node;

    /**
     * @param node     this node's name among the connections' ids
     * @param bound    where the resources bound here are kept
     * @param handlers what handles the stanzas of each resource bound
     */
    XmppResources(UserConnections connections, String domain, String node, BoundResources bound,
            Function<LocalResource, ResourceHandler> handlers, Clock clock) {
        this.connections = connections;
        this.domain = domain;
        this.node = node;
        this.bound = bound;
        this.handlers = handlers;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Binding> bind(XmppClient client, String username, String requested) {
        String resourcepart = requested != null ? requested : "chorus-" + Long.toHexString(RANDOM.nextLong());
        return bound(client, username, resourcepart, null);
    }

    @Override
    public CompletableFuture<Binding> restore(XmppClient client, String username, String resource, String state) {
        return bound(client, username, resource, ResourceState.read(state));
    }

    /** @param restored the state of a resource restored here; null for one bound afresh */
    private CompletableFuture<Binding> bound(XmppClient client, String username, String resourcepart,
            ResourceState restored) {
        String bareJid = username.toLowerCase(Locale.ROOT) + "@" + domain;
        String connection = CONNECTION_PREFIX + node + "-" + ids.incrementAndGet() + ":" + resourcepart;
        return connections.add(username, connection).thenCompose(added -> {
            if (!added) {
                connections.remove(username, connection);
                throw new BindRefusedException(StanzaError.RESOURCE_CONSTRAINT,
                        "at most " + connections.maxPerUser() + " connections per user");
            }
            LocalResource resource = new LocalResource(username, bareJid, client, connection, clock.millis());
            LocalResource previous = bound.put(bareJid + "/" + resourcepart, resource);
            if (previous != null) {
                previous.client().end(StreamError.CONFLICT, "the resource was bound by a newer stream");
            }
            ResourceHandler handler = handlers.apply(resource);
            Binding binding = new Binding(resourcepart, new StanzaHandler() {
                @Override
                public boolean handle(XmlElement stanza) {
                    return handler.handle(stanza);
                }

                @Override
                public void closed() {
                    unbind(bareJid + "/" + resourcepart, resource);
                    handler.closed();
                }

                @Override
                public void moved() {
                    unbind(bareJid + "/" + resourcepart, resource);
                    handler.moved();
                }

                @Override
                public String state() {
                    return handler.state();
                }

                @Override
                public void resumed() {
                    handler.resumed();
                }
            });
            if (restored == null) {
                return CompletableFuture.completedFuture(binding);
            }
            // Bound once back in its rooms: what the client sends again after <resumed/> finds it there.
            CompletableFuture<Binding> back = new CompletableFuture<>();
            resource.execute(() -> handler.restore(restored).whenComplete((done, error) -> back.complete(binding)));
            return back;
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
