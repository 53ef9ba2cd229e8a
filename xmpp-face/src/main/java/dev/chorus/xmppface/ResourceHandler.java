package dev.chorus.xmppface;

import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.StanzaHandler;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * What a bound resource's stanzas become: by whom they are addressed to — the room service and its rooms, a user,
 * the server or the account itself — the core's requests, each made by the part of the face that speaks them.
 */
final class ResourceHandler implements StanzaHandler {
    private final RoomConnection connection;
    private final DirectChat direct;
    private final MultiUserChat muc;
    private final RoomOwner owner;
    private final Discovery discovery;
    private final Archive archive;
    private final StanzaRouter router;
    private final Rosters rosters;
    private final Subscriptions subscriptions;
    private final Availability availability;
    private final Restoration restoration;
    private final String domain;
    /** While a restored resource waits for its client to have {@code <resumed/>}: when it is back in its rooms. */
    private CompletableFuture<Void> restoring;

    ResourceHandler(RoomConnection connection, DirectChat direct, MultiUserChat muc, RoomOwner owner,
            Discovery discovery, Archive archive, StanzaRouter router, Rosters rosters, Subscriptions subscriptions,
            Availability availability, Restoration restoration, String domain) {
        this.connection = connection;
        this.direct = direct;
        this.muc = muc;
        this.owner = owner;
        this.discovery = discovery;
        this.archive = archive;
        this.router = router;
        this.rosters = rosters;
        this.subscriptions = subscriptions;
        this.availability = availability;
        this.restoration = restoration;
        this.domain = domain;
    }

    @Override
    public boolean handle(XmlElement stanza) {
        Jid to = address(stanza.attribute("to"));
        if (to != null && to.getDomain().toString().equals(muc.service())) {
            return toRoomService(stanza, to);
        }
        if (stanza.name().equals("iq") && to != null && to.hasResource() && to.hasLocalpart()
                && to.getDomain().toString().equals(domain)) {
            router.route(connection.resource(), stanza, to);
            return true;
        }
        return switch (stanza.name()) {
            case "message" -> direct.send(connection.resource(), stanza);
            case "presence" -> presence(stanza, to);
            default -> request(stanza, to);
        };
    }

    /** Presence that is not for a room: the resource's own, a subscription step, or presence for one user. */
    private boolean presence(XmlElement presence, Jid to) {
        String type = presence.attribute("type");
        LocalResource resource = connection.resource();
        if (Subscriptions.isSubscription(type)) {
            subscriptions.handle(resource, presence);
        } else if (type != null && !type.equals("unavailable")) {
            // Probes are the server's to send, and an error needs no answer.
            return true;
        } else if (to == null) {
            if (type == null) {
                availability.announce(resource, presence);
            } else {
                availability.withdraw(resource, presence);
            }
        } else {
            String contact = rosters.contactOf(presence.attribute("to"));
            if (contact != null) {
                availability.directed(resource, presence, contact);
            }
        }
        return true;
    }

    private boolean toRoomService(XmlElement stanza, Jid to) {
        String room = to.getLocalpartOrNull() == null ? null : to.getLocalpartOrNull().toString();
        String nick = to.getResourceOrNull() == null ? null : to.getResourceOrNull().toString();
        if (room == null) {
            return stanza.name().equals("iq") && discovery.answer(connection.resource(), stanza, muc.service());
        }
        switch (stanza.name()) {
            case "presence" -> muc.presence(connection, stanza, room, nick);
            case "message" -> muc.message(connection, stanza, room, nick, direct);
            default -> {
                if (!Stanzas.isRequest(stanza)) {
                    return false;
                }
                if (nick != null) {
                    return !connection.isIn(room) && notAnOccupant(stanza);
                }
                String entity = room + "@" + muc.service();
                return discovery.answer(connection.resource(), stanza, entity)
                        || archive.answer(connection.resource(), stanza, entity) || owner.answer(connection, stanza,
                                room);
            }
        }
        return true;
    }

    /** XEP-0045 §6.6: an occupant's address is no one else's to query. */
    private boolean notAnOccupant(XmlElement iq) {
        connection.resource().send(Stanzas.error(iq, StanzaError.BAD_REQUEST,
                "only the room's occupants address its occupants"));
        return true;
    }

    private boolean request(XmlElement iq, Jid to) {
        if (!Stanzas.isRequest(iq)) {
            return false;
        }
        String entity = to == null ? domain : to.asBareJid().toString().toLowerCase(Locale.ROOT);
        LocalResource resource = connection.resource();
        if ((entity.equals(domain) || entity.equals(resource.bareJid()))
                && (rosters.answer(resource, iq) || carbons(iq) || archive.answer(resource, iq, resource.bareJid()))) {
            return true;
        }
        return discovery.answer(resource, iq, entity);
    }

    /** XEP-0280's switch, which the server keeps for the resource. */
    private boolean carbons(XmlElement iq) {
        XmlElement payload = iq.elements().get(0);
        if (!payload.namespace().equals(XmppNamespaces.CARBONS) || !"set".equals(iq.attribute("type"))
                || !payload.name().equals("enable") && !payload.name().equals("disable")) {
            return false;
        }
        connection.resource().carbons(payload.name().equals("enable"));
        connection.resource().send(Stanzas.result(iq, null));
        return true;
    }

    private static Jid address(String to) {
        try {
            return to == null ? null : JidCreate.from(to);
        } catch (XmppStringprepException e) {
            return null;
        }
    }

    @Override
    public String state() {
        LocalResource resource = connection.resource();
        Map<String, String> rooms = new HashMap<>();
        Map<String, Long> floors = new HashMap<>();
        for (String room : connection.rooms()) {
            RoomConnection.Seat seat = connection.seat(room);
            if (seat != null) {
                rooms.put(room, seat.nick());
                Long floor = resource.roomFloor(room);
                if (floor != null) {
                    floors.put(room, floor);
                }
            }
        }
        XmlElement presence = resource.presence();
        return new ResourceState(rooms, floors, resource.directFloor(), presence == null ? null
                : presence.toXml(null), resource.carbons(), resource.interested()).json();
    }

    /** Puts a resource restored here back as its state says, on its thread. @return when it is back in its rooms */
    CompletableFuture<Void> restore(ResourceState state) {
        restoring = restoration.restore(connection, state);
        return restoring;
    }

    @Override
    public void resumed() {
        if (restoring != null) {
            restoration.catchUp(connection, restoring);
            restoring = null;
        }
    }

    @Override
    public void moved() {
        connection.resource().presence(null);
        muc.moved(connection);
    }

    @Override
    public void closed() {
        availability.withdraw(connection.resource(), null);
        muc.gone(connection);
    }
}
