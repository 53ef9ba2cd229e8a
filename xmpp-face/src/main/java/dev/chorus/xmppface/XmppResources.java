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
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The XMPP resources bound on this node. A resource is one of the user's connections, counted with their Socket.IO
 * ones against {@code max-connections-per-user} over the whole cluster ({@code resource-constraint} past it). A
 * resource bound again on this node takes over: the older stream ends with {@code conflict}, as a client reconnecting
 * over a dead link expects.
 */
public final class XmppResources implements ResourceBinder {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserConnections connections;
    private final String domain;
    private final Map<String, XmppClient> bound = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final String node = HexFormat.of().formatHex(RANDOM.generateSeed(4));

    public XmppResources(UserConnections connections, String domain) {
        this.connections = connections;
        this.domain = domain;
    }

    @Override
    public CompletableFuture<Binding> bind(XmppClient client, String username, String requested) {
        String resource = requested != null ? requested : "chorus-" + Long.toHexString(RANDOM.nextLong());
        String jid = (username + "@" + domain + "/" + resource).toLowerCase(Locale.ROOT);
        String connection = "xmpp-" + node + "-" + ids.incrementAndGet();
        return connections.add(username, connection).thenApply(added -> {
            if (!added) {
                connections.remove(username, connection);
                throw new BindRefusedException(StanzaError.RESOURCE_CONSTRAINT,
                        "at most " + connections.maxPerUser() + " connections per user");
            }
            XmppClient previous = bound.put(jid, client);
            if (previous != null) {
                previous.end(StreamError.CONFLICT, "the resource was bound by a newer stream");
            }
            return new Binding(resource, new Resource(username, jid, connection, client));
        });
    }

    /** How many resources are bound on this node. */
    public int size() {
        return bound.size();
    }

    /** Ends every stream bound here: the node stops, and says so ({@code system-shutdown}). */
    public void endAll(StreamError error, String text) {
        bound.values().forEach(client -> client.end(error, text));
    }

    /** One bound resource; what it may do grows with the face. */
    private final class Resource implements StanzaHandler {
        private final String username;
        private final String jid;
        private final String connection;
        private final XmppClient client;

        Resource(String username, String jid, String connection, XmppClient client) {
            this.username = username;
            this.jid = jid;
            this.connection = connection;
            this.client = client;
        }

        @Override
        public boolean handle(XmlElement stanza) {
            return false;
        }

        @Override
        public void closed() {
            bound.remove(jid, client);
            connections.remove(username, connection);
        }
    }
}
