package dev.chorus.xmppface;

import dev.chorus.core.account.UsernameRules;
import dev.chorus.core.contact.Contact;
import dev.chorus.core.contact.ContactChange;
import dev.chorus.core.contact.Contacts;
import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The roster (RFC 6121 §2): a user's contact list as their clients get, add to, change and trim it, and the roster
 * pushes that tell each of the user's interested resources, on any node, what changed — whoever changed it.
 */
final class Rosters {
    private static final Logger log = LoggerFactory.getLogger(Rosters.class);
    static final String NAMESPACE = "jabber:iq:roster";
    /** Bounds on what a client may store per contact, far above what people type. */
    private static final int MAX_NAME = 1024;
    private static final int MAX_GROUPS = 64;

    private final Contacts contacts;
    private final StanzaRouter router;
    private final String domain;
    private final AtomicLong pushes = new AtomicLong();
    private Subscriptions subscriptions;

    Rosters(Contacts contacts, StanzaRouter router, String domain) {
        this.contacts = contacts;
        this.router = router;
        this.domain = domain;
    }

    /** Removing a contact ends the subscriptions both ways, which the subscriptions tell the contact. */
    void subscriptions(Subscriptions ending) {
        this.subscriptions = ending;
    }

    /** @return false when the IQ is not a roster request */
    boolean answer(LocalResource resource, XmlElement iq) {
        XmlElement query = iq.elements().isEmpty() ? null : iq.elements().get(0);
        if (query == null || !query.is("query", NAMESPACE)) {
            return false;
        }
        if ("get".equals(iq.attribute("type"))) {
            contacts.list(resource.username()).whenComplete((list, error) -> resource.execute(() -> {
                if (error != null) {
                    failed(resource, iq, error);
                    return;
                }
                resource.interested(true);
                XmlElement.Builder roster = XmlElement.builder("query", NAMESPACE);
                list.forEach(contact -> roster.child(item(contact)));
                resource.send(Stanzas.result(iq, roster.build()));
            }));
        } else {
            set(resource, iq, query);
        }
        return true;
    }

    /** Tells the user's interested resources of a change to their list. */
    void push(String user, ContactChange change) {
        if (!change.listChanged()) {
            return;
        }
        Contact after = change.after();
        XmlElement item = after != null && after.listed() ? item(after)
                : XmlElement.builder("item", NAMESPACE).attribute("jid", change.before().username() + "@" + domain)
                        .attribute("subscription", "remove").build();
        router.toUser(user, XmlElement.builder("iq", Namespaces.CLIENT)
                .attribute("type", "set").attribute("id", "push-" + pushes.incrementAndGet())
                .child(XmlElement.builder("query", NAMESPACE).child(item).build()).build());
    }

    /** The user's part of an address of this domain that can be a contact; null when it cannot. */
    String contactOf(String address) {
        Jid jid;
        try {
            jid = address == null ? null : JidCreate.from(address);
        } catch (XmppStringprepException | IllegalArgumentException e) {
            return null;
        }
        if (jid == null || jid.getLocalpartOrNull() == null || !jid.getDomain().toString().equals(domain)) {
            return null;
        }
        String user = jid.getLocalpartOrNull().toString();
        return UsernameRules.check(user).isEmpty() ? user.toLowerCase(Locale.ROOT) : null;
    }

    private void set(LocalResource resource, XmlElement iq, XmlElement query) {
        List<XmlElement> items = query.elements();
        if (items.size() != 1 || !items.get(0).is("item", NAMESPACE)) {
            resource.send(Stanzas.error(iq, StanzaError.BAD_REQUEST, "a roster set holds one item"));
            return;
        }
        XmlElement item = items.get(0);
        String contact = contactOf(item.attribute("jid"));
        if (contact == null) {
            resource.send(Stanzas.error(iq, StanzaError.ITEM_NOT_FOUND, "contacts are users of " + domain));
            return;
        }
        if (contact.equals(resource.username().toLowerCase(Locale.ROOT))) {
            resource.send(Stanzas.error(iq, StanzaError.NOT_ALLOWED, "you are not your own contact"));
            return;
        }
        if ("remove".equals(item.attribute("subscription"))) {
            remove(resource, iq, contact);
            return;
        }
        String name = item.attribute("name");
        List<String> groups = new ArrayList<>();
        for (XmlElement group : item.elements()) {
            if (group.is("group", NAMESPACE)) {
                groups.add(group.text());
            }
        }
        String invalid = invalid(name, groups);
        if (invalid != null) {
            resource.send(Stanzas.error(iq, StanzaError.NOT_ACCEPTABLE, invalid));
            return;
        }
        contacts.save(resource.username(), contact, name == null || name.isEmpty() ? null : name, groups)
                .whenComplete((saved, error) -> resource.execute(() -> {
                    if (error != null) {
                        failed(resource, iq, error);
                    } else if (saved.isEmpty()) {
                        resource.send(Stanzas.error(iq, StanzaError.NOT_ALLOWED,
                                "a roster holds at most " + contacts.maxPerUser() + " contacts"));
                    } else {
                        resource.send(Stanzas.result(iq, null));
                        push(resource.username(), saved.get());
                    }
                }));
    }

    private void remove(LocalResource resource, XmlElement iq, String contact) {
        contacts.remove(resource.username(), contact).whenComplete((removal, error) -> resource.execute(() -> {
            if (error != null) {
                failed(resource, iq, error);
                return;
            }
            if (removal.removed() == null) {
                resource.send(Stanzas.error(iq, StanzaError.ITEM_NOT_FOUND, "not in the roster"));
                return;
            }
            // The contact hears first, as a server that answers after routing has it (RFC 6121 §2.5.2).
            subscriptions.removed(resource.username(), removal);
            resource.send(Stanzas.result(iq, null));
            push(resource.username(), new ContactChange(removal.removed(), null));
        }));
    }

    /** RFC 6121 §2.3.3: what a roster set may not hold; null when it is fine. */
    private static String invalid(String name, List<String> groups) {
        if (name != null && name.length() > MAX_NAME) {
            return "a name is at most " + MAX_NAME + " characters";
        }
        if (groups.size() > MAX_GROUPS) {
            return "an item is in at most " + MAX_GROUPS + " groups";
        }
        if (new HashSet<>(groups).size() < groups.size()) {
            return "a group is named twice";
        }
        for (String group : groups) {
            if (group.isEmpty() || group.length() > MAX_NAME) {
                return "a group's name is 1 to " + MAX_NAME + " characters";
            }
        }
        return null;
    }

    private XmlElement item(Contact contact) {
        XmlElement.Builder item = XmlElement.builder("item", NAMESPACE)
                .attribute("jid", contact.username() + "@" + domain)
                .attribute("name", contact.name())
                .attribute("subscription", subscription(contact));
        if (contact.asked()) {
            item.attribute("ask", "subscribe");
        }
        contact.groups().forEach(group -> item.child("group", NAMESPACE, group));
        return item.build();
    }

    private static String subscription(Contact contact) {
        if (contact.receives()) {
            return contact.shares() ? "both" : "to";
        }
        return contact.shares() ? "from" : "none";
    }

    private static void failed(LocalResource resource, XmlElement iq, Throwable error) {
        log.warn("user {}: a roster request failed", resource.username(), error);
        resource.send(Stanzas.error(iq, StanzaError.INTERNAL_SERVER_ERROR, null));
    }
}
