package dev.chorus.xmppface;

import dev.chorus.core.contact.Contact;
import dev.chorus.core.contact.Contacts;
import dev.chorus.core.limits.UserConnections;
import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is available, as RFC 6121 §4 has servers tell it: a resource's presence goes to the contacts it shares it
 * with and to the user's own available resources; a resource coming online probes the contacts it sees, and hears
 * the requests waiting for it; a resource leaving (or its stream ending) says so to the same. A user on the web chat
 * is available too, as one resource per node ({@code web-<node>}), while they have a socket open there.
 */
final class Availability {
    private static final Logger log = LoggerFactory.getLogger(Availability.class);

    private final Contacts contacts;
    private final StanzaRouter router;
    private final BoundResources bound;
    private final String domain;
    private final String webResource;
    /** The web chat's connections open on this node, by lower-cased user. */
    private final Map<String, Set<String>> web = new ConcurrentHashMap<>();

    Availability(Contacts contacts, StanzaRouter router, BoundResources bound, String domain, String node) {
        this.contacts = contacts;
        this.router = router;
        this.bound = bound;
        this.domain = domain;
        this.webResource = "web-" + node;
        router.probes(this::answer);
    }

    /** A resource's presence to the server: broadcast it, and on the first, catch up on everyone else's. */
    void announce(LocalResource resource, XmlElement presence) {
        XmlElement broadcast = presence.withAttribute("from", resource.jid()).withAttribute("to", null);
        boolean initial = resource.presence() == null;
        resource.presence(broadcast);
        String user = resource.username();
        router.toUser(user, broadcast.withAttribute("to", resource.bareJid()));
        withContacts(user, records -> {
            for (Contact contact : records) {
                if (contact.shares()) {
                    router.toUser(contact.username(), broadcast.withAttribute("to", bare(contact.username())));
                }
                if (initial && contact.receives()) {
                    probe(contact.username(), resource.jid(), false);
                }
                if (initial && contact.askedBy()) {
                    resource.send(XmlElement.builder("presence", Namespaces.CLIENT).attribute("type", "subscribe")
                            .attribute("from", bare(contact.username())).attribute("to", resource.bareJid())
                            .build());
                }
            }
        });
    }

    /** A resource is unavailable, by its word or its stream's end: those who saw it available hear so. */
    void withdraw(LocalResource resource, XmlElement presence) {
        if (resource.presence() == null) {
            return;
        }
        resource.presence(null);
        XmlElement unavailable = (presence != null ? presence : XmlElement.builder("presence", Namespaces.CLIENT)
                .attribute("type", "unavailable").build()).withAttribute("from", resource.jid());
        sharedBy(resource.username(), unavailable);
        router.toUser(resource.username(), unavailable.withAttribute("to", resource.bareJid()));
    }

    /** Presence a resource sends one user (RFC 6121 §4.6), stamped with its address. */
    void directed(LocalResource resource, XmlElement presence, String contact) {
        String to = presence.attribute("to");
        router.toUser(contact, presence.withAttribute("from", resource.jid()).withAttribute("to",
                to.indexOf('/') > 0 ? to : bare(contact)));
    }

    /** Asks the nodes where {@code of} is connected for their presence, for {@code asker}. */
    void probe(String of, String asker, boolean leaving) {
        router.toUser(of, new Probe(of, asker, leaving).toStanza(domain));
    }

    /** A connection of the web chat opened on this node: the user's contacts see them available, at the first. */
    void webOpened(String user, String connection) {
        String key = user.toLowerCase(Locale.ROOT);
        boolean[] first = {false};
        web.compute(key, (name, connections) -> {
            Set<String> open = connections != null ? connections : ConcurrentHashMap.newKeySet();
            first[0] = open.isEmpty();
            open.add(connection);
            return open;
        });
        if (first[0]) {
            sharedBy(key, webPresence(key, false));
        }
    }

    /** A connection of the web chat closed on this node: at the last, the user's contacts see them go. */
    void webClosed(String user, String connection) {
        String key = user.toLowerCase(Locale.ROOT);
        boolean[] last = {false};
        web.computeIfPresent(key, (name, open) -> {
            last[0] = open.remove(connection) && open.isEmpty();
            return open.isEmpty() ? null : open;
        });
        if (last[0]) {
            sharedBy(key, webPresence(key, true));
        }
    }

    /**
     * A node died with connections open: its XMPP resources are unavailable, and so is the web chat there, for
     * whoever saw them (RFC 6121 §4.5.3 has the server speak for a resource whose stream ended).
     */
    void vanished(UserConnections.Vanished vanished) {
        Set<String> onTheWeb = new HashSet<>();
        vanished.users().forEach((connection, user) -> {
            String resource = XmppResources.resourceOf(connection);
            if (resource == null) {
                onTheWeb.add(user.toLowerCase(Locale.ROOT));
                return;
            }
            XmlElement gone = unavailable(bare(user) + "/" + resource);
            sharedBy(user, gone);
            router.toUser(user, gone.withAttribute("to", bare(user)));
        });
        onTheWeb.forEach(user -> sharedBy(user, unavailable(bare(user) + "/web-" + vanished.node())));
    }

    /** A probe reached this node: the asked-about user's resources here answer, and their web chat. */
    private void answer(Probe probe) {
        String asker = probe.asker().substring(0, probe.asker().indexOf('@'));
        for (LocalResource resource : List.copyOf(bound.of(probe.of()))) {
            XmlElement presence = resource.presence();
            if (presence != null) {
                router.toUser(asker, (probe.leaving() ? unavailable(resource.jid()) : presence)
                        .withAttribute("to", probe.asker()));
            }
        }
        if (web.containsKey(probe.of().toLowerCase(Locale.ROOT))) {
            router.toUser(asker, webPresence(probe.of(), probe.leaving()).withAttribute("to", probe.asker()));
        }
    }

    /** Sends {@code presence} to each contact the user shares presence with. */
    private void sharedBy(String user, XmlElement presence) {
        withContacts(user, records -> {
            for (Contact contact : records) {
                if (contact.shares()) {
                    router.toUser(contact.username(), presence.withAttribute("to", bare(contact.username())));
                }
            }
        });
    }

    /** Acts on the user's contact records once read; when they cannot be, says so once and does nothing. */
    private void withContacts(String user, Consumer<List<Contact>> action) {
        contacts.records(user).whenComplete((records, error) -> {
            if (error != null) {
                log.warn("user {}: contacts could not be read; their contacts did not hear of their presence", user,
                        error);
            } else {
                action.accept(records);
            }
        });
    }

    private XmlElement webPresence(String user, boolean leaving) {
        XmlElement.Builder presence = XmlElement.builder("presence", Namespaces.CLIENT)
                .attribute("from", bare(user) + "/" + webResource);
        if (leaving) {
            presence.attribute("type", "unavailable");
        } else {
            presence.child("status", Namespaces.CLIENT, "on the web chat");
        }
        return presence.build();
    }

    private static XmlElement unavailable(String from) {
        return XmlElement.builder("presence", Namespaces.CLIENT).attribute("type", "unavailable")
                .attribute("from", from).build();
    }

    private String bare(String user) {
        return user.toLowerCase(Locale.ROOT) + "@" + domain;
    }
}
