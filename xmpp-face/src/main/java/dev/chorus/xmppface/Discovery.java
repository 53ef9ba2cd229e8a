package dev.chorus.xmppface;

import dev.chorus.core.Answer;
import dev.chorus.core.room.Rooms;
import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Service discovery (XEP-0030): what the server, its room service and each room say they are and do, which is how
 * clients find the rooms and the features they may use.
 */
final class Discovery {
    private static final List<String> SERVER_FEATURES = List.of(XmppNamespaces.DISCO_INFO,
            XmppNamespaces.DISCO_ITEMS, Namespaces.PING, XmppNamespaces.CARBONS);
    private static final List<String> SERVICE_FEATURES = List.of(XmppNamespaces.DISCO_INFO,
            XmppNamespaces.DISCO_ITEMS, XmppNamespaces.MUC);
    /** Rooms anyone may join, everyone seen by address, no one moderated, their history kept. */
    private static final List<String> ROOM_FEATURES = List.of(XmppNamespaces.DISCO_INFO, XmppNamespaces.MUC,
            "muc_public", "muc_open", "muc_unmoderated", "muc_nonanonymous", "muc_persistent", "muc_unsecured",
            XmppNamespaces.STANZA_ID, XmppNamespaces.MAM);
    /** What an account's own address offers: its archive. */
    private static final List<String> ACCOUNT_FEATURES = List.of(XmppNamespaces.DISCO_INFO, XmppNamespaces.MAM,
            XmppNamespaces.STANZA_ID);

    private final String domain;
    private final String service;
    private final Rooms rooms;

    Discovery(String domain, String service, Rooms rooms) {
        this.domain = domain;
        this.service = service;
        this.rooms = rooms;
    }

    /**
     * @param entity the address asked about: the server, the room service, a room or an account (bare, lower case)
     * @return whether the request was one of discovery's, and is answered
     */
    boolean answer(LocalResource resource, XmlElement iq, String entity) {
        XmlElement query = iq.elements().get(0);
        boolean info = query.is("query", XmppNamespaces.DISCO_INFO);
        if (!info && !query.is("query", XmppNamespaces.DISCO_ITEMS) || !"get".equals(iq.attribute("type"))) {
            return false;
        }
        if (query.attribute("node") != null) {
            resource.send(Stanzas.error(iq, StanzaError.ITEM_NOT_FOUND, "no such node"));
        } else if (entity.equals(domain)) {
            resource.send(info ? infoOf(iq, "server", "im", "Chorus", SERVER_FEATURES)
                    : items(iq, Map.of(service, "Chat rooms")));
        } else if (entity.equals(service)) {
            if (info) {
                resource.send(infoOf(iq, "conference", "text", "Chat rooms", SERVICE_FEATURES));
            } else {
                roomList(resource, iq);
            }
        } else if (entity.endsWith("@" + service)) {
            String room = entity.substring(0, entity.indexOf('@'));
            resource.send(info ? infoOf(iq, "conference", "text", room, ROOM_FEATURES) : items(iq, Map.of()));
        } else if (entity.endsWith("@" + domain)) {
            resource.send(info ? infoOf(iq, "account", "registered", null, ACCOUNT_FEATURES)
                    : items(iq, Map.of()));
        } else {
            return false;
        }
        return true;
    }

    private void roomList(LocalResource resource, XmlElement iq) {
        rooms.list(resource.username()).thenAccept(answer -> resource.execute(() -> {
            if (answer instanceof Answer.Done<Map<String, Integer>> done) {
                Map<String, String> items = new TreeMap<>();
                done.value().keySet().forEach(room -> items.put(room + "@" + service, room));
                resource.send(items(iq, items));
            } else {
                resource.send(Stanzas.error(iq, StanzaError.RESOURCE_CONSTRAINT,
                        ((Answer.Refused<Map<String, Integer>>) answer).reason()));
            }
        }));
    }

    private static XmlElement infoOf(XmlElement iq, String category, String type, String name,
            List<String> features) {
        XmlElement.Builder query = XmlElement.builder("query", XmppNamespaces.DISCO_INFO)
                .child(XmlElement.builder("identity", XmppNamespaces.DISCO_INFO)
                        .attribute("category", category).attribute("type", type).attribute("name", name).build());
        for (String feature : features) {
            query.child(XmlElement.builder("feature", XmppNamespaces.DISCO_INFO).attribute("var", feature).build());
        }
        return Stanzas.result(iq, query.build());
    }

    private static XmlElement items(XmlElement iq, Map<String, String> items) {
        XmlElement.Builder query = XmlElement.builder("query", XmppNamespaces.DISCO_ITEMS);
        items.forEach((jid, name) -> query.child(XmlElement.builder("item", XmppNamespaces.DISCO_ITEMS)
                .attribute("jid", jid).attribute("name", name).build()));
        return Stanzas.result(iq, query.build());
    }
}
