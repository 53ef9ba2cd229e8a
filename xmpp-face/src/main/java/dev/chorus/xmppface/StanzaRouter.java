package dev.chorus.xmppface;

import dev.chorus.core.limits.UserConnections;
import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jxmpp.jid.Jid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stanzas between users, wherever their resources are bound: handed over here when they are bound on this node,
 * and sent to the other nodes when the user has connections elsewhere, where they are handed over the same way.
 * To a full address: that resource (a request for a user with no connection anywhere is answered {@code
 * service-unavailable}, RFC 6121 §8.5.3.2.1). To a bare address: the user's resources that want it — roster pushes
 * to those that asked for the roster, presence to the available ones; a {@link Probe} to whoever answers probes.
 */
final class StanzaRouter {
    private static final Logger log = LoggerFactory.getLogger(StanzaRouter.class);

    private final BoundResources bound;
    private final UserConnections connections;
    private volatile BiConsumer<String, String> elsewhere = (to, xml) -> { };
    private volatile Consumer<Probe> probes = probe -> { };

    StanzaRouter(BoundResources bound, UserConnections connections) {
        this.bound = bound;
        this.connections = connections;
    }

    /** How a stanza reaches the other nodes: its address and the stanza as XML. */
    void elsewhere(BiConsumer<String, String> sender) {
        this.elsewhere = sender;
    }

    /** Who answers the probes that reach this node. */
    void probes(Consumer<Probe> answerer) {
        this.probes = answerer;
    }

    /**
     * A stanza from a resource here to the full address {@code to}: a request for a user connected nowhere is
     * answered {@code service-unavailable}.
     */
    void route(LocalResource from, XmlElement stanza, Jid to) {
        toUser(to.getLocalpartOrNull().toString(), stanza, () -> {
            if (Stanzas.isRequest(stanza)) {
                from.execute(() -> from.send(Stanzas.error(stanza, StanzaError.SERVICE_UNAVAILABLE, null)));
            }
        });
    }

    /**
     * A stanza for every resource of the user that wants it, on any node; a full address in {@code to} takes it to
     * that resource alone.
     */
    void toUser(String username, XmlElement stanza) {
        toUser(username, stanza, () -> { });
    }

    private void toUser(String username, XmlElement stanza, Runnable connectedNowhere) {
        String address = address(username, stanza.attribute("to"));
        boolean full = address.indexOf('/') > 0;
        if (deliver(address, stanza) > 0 && full) {
            return;
        }
        int here = full ? 0 : bound.of(username).size();
        connections.count(username).thenAccept(count -> {
            if (count > here) {
                elsewhere.accept(address, stanza.toXml(""));
            } else if (count == 0) {
                connectedNowhere.run();
            }
        }).exceptionally(error -> {
            log.warn("a stanza for {} could not be routed to the other nodes", username, error);
            return null;
        });
    }

    /** A stanza another node sent: handed over to whom it is for here. */
    void arrived(String address, String xml) {
        XmlElement stanza;
        try {
            stanza = XmlElement.parse(xml);
        } catch (RuntimeException e) {
            log.warn("a stanza routed to {} could not be read", address, e);
            return;
        }
        deliver(address, stanza);
    }

    /** @return how many resources here took it */
    private int deliver(String address, XmlElement stanza) {
        if (address.indexOf('/') > 0) {
            LocalResource target = bound.get(address);
            if (target != null) {
                target.send(stanza);
            }
            return target == null ? 0 : 1;
        }
        if (Probe.is(stanza)) {
            probes.accept(Probe.read(stanza));
            return 0;
        }
        List<LocalResource> resources = bound.of(address.substring(0, address.indexOf('@')));
        boolean push = stanza.name().equals("iq");
        int delivered = 0;
        for (LocalResource resource : resources) {
            if (push ? resource.interested() : resource.presence() != null) {
                resource.send(push ? stanza.withAttribute("to", resource.jid()) : stanza);
                delivered++;
            }
        }
        return delivered;
    }

    /**
     * Where a stanza for the user goes, as resources are bound: their full address in {@code to} (the user's part in
     * lower case, the resource as it is), else their bare address.
     */
    private String address(String username, String to) {
        int slash = to == null ? -1 : to.indexOf('/');
        return slash > 0 ? to.substring(0, slash).toLowerCase(Locale.ROOT) + to.substring(slash)
                : username.toLowerCase(Locale.ROOT) + "@" + bound.domain();
    }
}
