package dev.chorus.xmppface;

import dev.chorus.core.Answer;
import dev.chorus.core.room.Occupant;
import dev.chorus.core.room.OccupantStore;
import dev.chorus.core.room.RoomSettings;
import dev.chorus.core.room.Rooms;
import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service discovery (XEP-0030): what the server, its room service and each room say they are and do, which is how
 * clients find the rooms and the features they may use.
 */
final class Discovery {
    private static final Logger log = LoggerFactory.getLogger(Discovery.class);
    private static final List<String> SERVER_FEATURES = List.of(XmppNamespaces.DISCO_INFO,
            XmppNamespaces.DISCO_ITEMS, Namespaces.PING, XmppNamespaces.CARBONS);
    private static final List<String> SERVICE_FEATURES = List.of(XmppNamespaces.DISCO_INFO,
            XmppNamespaces.DISCO_ITEMS, XmppNamespaces.MUC);
    /** What every room offers, whatever its settings; the settings add the rest (XEP-0045 §6.4). */
    private static final List<String> ROOM_FEATURES = List.of(XmppNamespaces.DISCO_INFO, XmppNamespaces.DISCO_ITEMS,
            XmppNamespaces.MUC, "muc_persistent", XmppNamespaces.STANZA_ID, XmppNamespaces.MAM);
    /** What an account's own address offers: its archive. */
    private static final List<String> ACCOUNT_FEATURES = List.of(XmppNamespaces.DISCO_INFO, XmppNamespaces.MAM,
            XmppNamespaces.STANZA_ID);

    private final String domain;
    private final String service;
    private final Rooms rooms;
    private final OccupantStore seats;

    Discovery(String domain, String service, Rooms rooms, OccupantStore seats) {
        this.domain = domain;
        this.service = service;
        this.rooms = rooms;
        this.seats = seats;
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
            if (info) {
                roomInfo(resource, iq, room);
            } else {
                roomItems(resource, iq, room);
            }
        } else if (entity.endsWith("@" + domain)) {
            resource.send(info ? infoOf(iq, "account", "registered", null, ACCOUNT_FEATURES)
                    : items(iq, Map.of()));
        } else {
            return false;
        }
        return true;
    }

    /** The rooms with someone in them, but those their owners keep out of the list. */
    private void roomList(LocalResource resource, XmlElement iq) {
        rooms.list(resource.username()).thenCompose(answer -> {
            if (answer instanceof Answer.Refused<Map<String, Integer>> refused) {
                resource.execute(() -> resource.send(Stanzas.error(iq, StanzaError.RESOURCE_CONSTRAINT,
                        refused.reason())));
                return CompletableFuture.completedFuture(null);
            }
            List<String> names = List.copyOf(((Answer.Done<Map<String, Integer>>) answer).value().keySet());
            List<CompletableFuture<Optional<RoomSettings>>> settings = names.stream()
                    .map(room -> rooms.settings().find(room)).toList();
            return CompletableFuture.allOf(settings.toArray(CompletableFuture[]::new)).thenRun(() -> {
                Map<String, String> items = new TreeMap<>();
                for (int i = 0; i < names.size(); i++) {
                    RoomSettings set = settings.get(i).join().orElse(RoomSettings.OPEN);
                    if (set.listed()) {
                        items.put(names.get(i) + "@" + service, set.name() == null ? names.get(i) : set.name());
                    }
                }
                resource.execute(() -> resource.send(items(iq, items)));
            });
        }).exceptionally(error -> failed(resource, iq, error));
    }

    /** What a room is, by the settings its owner gave it. */
    private void roomInfo(LocalResource resource, XmlElement iq, String room) {
        rooms.settings().find(room).thenAccept(found -> {
            RoomSettings set = found.orElse(RoomSettings.OPEN);
            List<String> features = new ArrayList<>(ROOM_FEATURES);
            features.add(set.listed() ? "muc_public" : "muc_hidden");
            features.add(set.membersOnly() ? "muc_membersonly" : "muc_open");
            features.add(set.moderated() ? "muc_moderated" : "muc_unmoderated");
            features.add(set.anonymous() ? "muc_semianonymous" : "muc_nonanonymous");
            features.add(set.password() != null ? "muc_passwordprotected" : "muc_unsecured");
            resource.execute(() -> resource.send(infoOf(iq, "conference", "text",
                    set.name() == null ? room : set.name(), features)));
        }).exceptionally(error -> failed(resource, iq, error));
    }

    /** Who is in a room, by nickname (XEP-0045 §6.5). */
    private void roomItems(LocalResource resource, XmlElement iq, String room) {
        seats.in(room).thenCombine(rooms.members(room), (seated, members) -> {
            Map<String, String> items = new TreeMap<>();
            List<String> seatedUsers = new ArrayList<>();
            for (Occupant occupant : seated) {
                seatedUsers.add(occupant.user());
                items.put(room + "@" + service + "/" + occupant.nick(), occupant.nick());
            }
            for (String member : members) {
                if (!seatedUsers.contains(member.toLowerCase(Locale.ROOT))) {
                    items.put(room + "@" + service + "/" + member, member);
                }
            }
            return items;
        }).thenAccept(items -> resource.execute(() -> resource.send(items(iq, items))))
                .exceptionally(error -> failed(resource, iq, error));
    }

    private static Void failed(LocalResource resource, XmlElement iq, Throwable error) {
        log.warn("user {}: a discovery request failed", resource.username(), error);
        resource.execute(() -> resource.send(Stanzas.error(iq, StanzaError.INTERNAL_SERVER_ERROR,
                "the room service did not answer")));
        return null;
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
