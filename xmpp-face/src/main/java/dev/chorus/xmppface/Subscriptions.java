package dev.chorus.xmppface;

import dev.chorus.core.contact.Contact;
import dev.chorus.core.contact.ContactChanges;
import dev.chorus.core.contact.Contacts;
import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence subscriptions (RFC 6121 §3): asking to see a contact's presence, approving, cancelling and revoking.
 * Each step changes both users' records through the core, pushes the changed roster items to both, hands the
 * stanza to the contact's available resources — stamped with the sender's bare address — and sends the presence the
 * step lets the other see, or stops showing.
 */
final class Subscriptions {
    private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);

    private final Contacts contacts;
    private final Rosters rosters;
    private final Availability availability;
    private final StanzaRouter router;
    private final String domain;

    Subscriptions(Contacts contacts, Rosters rosters, Availability availability, StanzaRouter router,
            String domain) {
        this.contacts = contacts;
        this.rosters = rosters;
        this.availability = availability;
        this.router = router;
        this.domain = domain;
        rosters.subscriptions(this);
    }

    static boolean isSubscription(String type) {
        return "subscribe".equals(type) || "subscribed".equals(type) || "unsubscribe".equals(type)
                || "unsubscribed".equals(type);
    }

    /** A subscription stanza from a resource, to the user in its {@code to}. */
    void handle(LocalResource resource, XmlElement presence) {
        String contact = rosters.contactOf(presence.attribute("to"));
        String user = resource.username().toLowerCase(Locale.ROOT);
        if (contact == null) {
            resource.send(Stanzas.error(presence, StanzaError.ITEM_NOT_FOUND, "contacts are users of " + domain));
            return;
        }
        if (contact.equals(user)) {
            // RFC 6121 §3.1.3: a user's own presence is theirs to see without asking.
            return;
        }
        XmlElement stamped = presence.withAttribute("from", bare(user)).withAttribute("to", bare(contact));
        switch (presence.attribute("type")) {
            case "subscribe" -> contacts.ask(user, contact).whenComplete((asked, error) -> {
                if (failed(user, error)) {
                    return;
                }
                if (asked instanceof Contacts.Asked.Pending pending) {
                    pushBoth(user, contact, pending.changes());
                    router.toUser(contact, stamped);
                } else if (asked instanceof Contacts.Asked.Approved) {
                    router.toUser(user, subscription("subscribed", contact, user));
                    availability.probe(contact, bare(user), false);
                } else {
                    resource.execute(() -> resource.send(Stanzas.error(presence, StanzaError.NOT_ALLOWED,
                            "a roster holds at most " + contacts.maxPerUser() + " contacts")));
                }
            });
            case "subscribed" -> contacts.approve(user, contact).whenComplete((approved, error) -> {
                if (!failed(user, error) && approved.isPresent()) {
                    pushBoth(user, contact, approved.get());
                    router.toUser(contact, stamped);
                    availability.probe(user, bare(contact), false);
                }
            });
            case "unsubscribe" -> contacts.cancel(user, contact).whenComplete((cancelled, error) -> {
                if (!failed(user, error) && changed(cancelled)) {
                    pushBoth(user, contact, cancelled);
                    router.toUser(contact, stamped);
                    availability.probe(contact, bare(user), true);
                }
            });
            default -> contacts.revoke(user, contact).whenComplete((revoked, error) -> {
                if (!failed(user, error) && changed(revoked)) {
                    pushBoth(user, contact, revoked);
                    router.toUser(contact, stamped);
                    availability.probe(user, bare(contact), true);
                }
            });
        }
    }

    /** A contact taken off a user's roster: what they shared ends, and the contact hears so (RFC 6121 §2.5.2). */
    void removed(String user, Contacts.Removal removal) {
        Contact removed = removal.removed();
        String contact = removed.username();
        String owner = user.toLowerCase(Locale.ROOT);
        rosters.push(contact, removal.ofContact());
        if (removed.receives() || removed.asked()) {
            router.toUser(contact, subscription("unsubscribe", owner, contact));
        }
        if (removed.receives()) {
            availability.probe(contact, bare(owner), true);
        }
        if (removed.shares() || removed.askedBy()) {
            router.toUser(contact, subscription("unsubscribed", owner, contact));
        }
        if (removed.shares()) {
            availability.probe(owner, bare(contact), true);
        }
    }

    private void pushBoth(String user, String contact, ContactChanges changes) {
        rosters.push(user, changes.ofUser());
        rosters.push(contact, changes.ofContact());
    }

    private static boolean changed(ContactChanges changes) {
        return changes.ofUser().changed() || changes.ofContact().changed();
    }

    private XmlElement subscription(String type, String from, String to) {
        return XmlElement.builder("presence", Namespaces.CLIENT).attribute("type", type)
                .attribute("from", bare(from)).attribute("to", bare(to)).build();
    }

    private static boolean failed(String user, Throwable error) {
        if (error != null) {
            log.warn("user {}: a presence subscription step failed", user, error);
        }
        return error != null;
    }

    private String bare(String user) {
        return user + "@" + domain;
    }
}
