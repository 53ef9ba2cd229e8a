package dev.chorus.xmppface;

import dev.chorus.core.limits.UserConnections;
import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.jxmpp.jid.Jid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stanzas for one resource of a user (an IQ between two clients, its answer): handed over here when it is bound on
 * this node, else sent to the other nodes, where the one that has it hands it over. A request for a user with no
 * connection anywhere is answered {@code service-unavailable} (RFC 6121 §8.5.3.2.1).
 */
final class StanzaRouter {
    private static final Logger log = LoggerFactory.getLogger(StanzaRouter.class);

    private final BoundResources bound;
    private final UserConnections connections;
    private volatile BiConsumer<String, String> elsewhere = (to, xml) -> { };

    StanzaRouter(BoundResources bound, UserConnections connections) {
        this.bound = bound;
        this.connections = connections;
    }

    /** How a stanza reaches the other nodes: its full address and the stanza as XML. */
    void elsewhere(BiConsumer<String, String> sender) {
        this.elsewhere = sender;
    }

    /** A stanza from a resource here to the full address {@code to}. */
    void route(LocalResource from, XmlElement stanza, Jid to) {
        String jid = key(to);
        LocalResource target = bound.get(jid);
        if (target != null) {
            target.send(stanza);
            return;
        }
        String user = to.getLocalpartOrNull().toString();
        connections.count(user).thenAccept(count -> {
            if (count > 0) {
                elsewhere.accept(jid, stanza.toXml(""));
            } else if (Stanzas.isRequest(stanza)) {
                from.execute(() -> from.send(Stanzas.error(stanza, StanzaError.SERVICE_UNAVAILABLE, null)));
            }
        });
    }

    /** A stanza another node sent for a full address: handed over if it is bound here. */
    void arrived(String jid, String xml) {
        LocalResource target = bound.get(jid);
        if (target == null) {
            return;
        }
        try {
            target.send(XmlElement.parse(xml));
        } catch (RuntimeException e) {
            log.warn("a stanza routed to {} could not be read", jid, e);
        }
    }

    /** The address as resources are bound under: the user's part in lower case, the resource as it is. */
    private static String key(Jid to) {
        return to.asBareJid().toString().toLowerCase(Locale.ROOT) + "/" + to.getResourceOrNull();
    }
}
