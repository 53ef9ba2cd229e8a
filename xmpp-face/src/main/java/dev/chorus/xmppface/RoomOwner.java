package dev.chorus.xmppface;

import dev.chorus.core.room.Affiliation;
import dev.chorus.core.room.Occupant;
import dev.chorus.core.room.OccupantStore;
import dev.chorus.core.room.RoomSettings;
import dev.chorus.core.room.Rooms;
import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a room's owner and admins ask of it (XEP-0045 §9, §10): its configuration form, its destruction, and who
 * stands where. Changing occupants' roles (kicking, voice) is moderation, which is not served yet.
 */
final class RoomOwner {
    private static final Logger log = LoggerFactory.getLogger(RoomOwner.class);
    private static final String MUC_ADMIN = XmppNamespaces.MUC + "#admin";
    private static final List<String> ROLES = List.of("moderator", "participant", "visitor", "none");

    private final Rooms rooms;
    private final OccupantStore seats;
    private final MultiUserChat muc;
    private final String domain;

    RoomOwner(Rooms rooms, OccupantStore seats, MultiUserChat muc, String domain) {
        this.rooms = rooms;
        this.seats = seats;
        this.muc = muc;
        this.domain = domain;
    }

    /** @return whether the IQ was an owner's or an admin's request, and is answered */
    boolean answer(RoomConnection connection, XmlElement iq, String room) {
        XmlElement query = iq.elements().get(0);
        if (query.is("query", XmppNamespaces.MUC_OWNER)) {
            asOwner(connection, iq, room, query);
        } else if (query.is("query", MUC_ADMIN)) {
            asAdmin(connection, iq, room, query);
        } else {
            return false;
        }
        return true;
    }

    private void asOwner(RoomConnection connection, XmlElement iq, String room, XmlElement query) {
        LocalResource resource = connection.resource();
        settings(connection, iq, room, Affiliation.OWNER).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            RoomSettings settings = found.get();
            boolean get = "get".equals(iq.attribute("type"));
            XmlElement form = query.child("x", XmppNamespaces.DATA_FORMS).orElse(null);
            if (get) {
                resource.execute(() -> resource.send(Stanzas.result(iq, XmlElement.builder("query",
                        XmppNamespaces.MUC_OWNER).child(RoomForm.of(settings, room)).build())));
            } else if (query.child("destroy", XmppNamespaces.MUC_OWNER).isPresent()) {
                return destroy(connection, iq, room);
            } else if (form != null && "cancel".equals(form.attribute("type"))) {
                resource.execute(() -> resource.send(Stanzas.result(iq, null)));
            } else if (form != null && "submit".equals(form.attribute("type"))) {
                Optional<RoomSettings> submitted = RoomForm.apply(settings, form);
                if (submitted.isEmpty()) {
                    resource.execute(() -> resource.send(Stanzas.error(iq, StanzaError.NOT_ACCEPTABLE,
                            "every room's history is kept; the rest of the form was not applied")));
                    return CompletableFuture.completedFuture(null);
                }
                return rooms.settings().save(room, submitted.get().withLockedUntil(0)).thenRun(() -> {
                    log.info("user {} set up room {}", connection.user(), room);
                    resource.execute(() -> resource.send(Stanzas.result(iq, null)));
                });
            } else {
                resource.execute(() -> resource.send(Stanzas.error(iq, StanzaError.BAD_REQUEST,
                        "an owner's request is a form, or a room's destruction")));
            }
            return CompletableFuture.completedFuture(null);
        }).exceptionally(error -> failed(connection, iq, room, error));
    }

    /**
     * The room is gone (§10.9): its settings and nicknames, and everyone in it on either face, who are told; its
     * history stays, as after an admin's closing.
     */
    private CompletableFuture<Void> destroy(RoomConnection connection, XmlElement iq, String room) {
        LocalResource resource = connection.resource();
        return rooms.settings().remove(room).thenCompose(removed -> seats.clear(room)).thenRun(() ->
                resource.execute(() -> {
                    log.info("user {} destroyed room {}", connection.user(), room);
                    rooms.close(room);
                    resource.send(Stanzas.result(iq, null));
                }));
    }

    private void asAdmin(RoomConnection connection, XmlElement iq, String room, XmlElement query) {
        LocalResource resource = connection.resource();
        XmlElement item = query.child("item", MUC_ADMIN).orElse(null);
        if (item == null) {
            resource.send(Stanzas.error(iq, StanzaError.BAD_REQUEST, "an admin's request names an item"));
            return;
        }
        if (item.attribute("role") != null) {
            assignRole(connection, iq, room, item);
            return;
        }
        Affiliation wanted = Affiliation.of(item.attribute("affiliation"));
        if (wanted == null) {
            resource.send(Stanzas.error(iq, StanzaError.BAD_REQUEST, "no such affiliation"));
            return;
        }
        if ("get".equals(iq.attribute("type"))) {
            settings(connection, iq, room, Affiliation.ADMIN).thenAccept(found -> found.ifPresent(settings ->
                    resource.execute(() -> resource.send(Stanzas.result(iq, list(settings, wanted))))))
                    .exceptionally(error -> failed(connection, iq, room, error));
            return;
        }
        String user = userOf(item.attribute("jid"));
        if (user == null) {
            resource.send(Stanzas.error(iq, StanzaError.NOT_ACCEPTABLE, "affiliations are for this server's users, "
                    + "named by their bare address"));
            return;
        }
        settings(connection, iq, room, Affiliation.ADMIN).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            RoomSettings settings = found.get();
            boolean owner = settings.affiliation(connection.user()) == Affiliation.OWNER;
            Affiliation held = settings.affiliation(user);
            if (!owner && (wanted.atLeast(Affiliation.ADMIN) || held.atLeast(Affiliation.ADMIN))) {
                resource.execute(() -> resource.send(Stanzas.error(iq, StanzaError.NOT_ALLOWED,
                        "only an owner changes who owns or administers the room")));
                return CompletableFuture.completedFuture(null);
            }
            if (held == Affiliation.OWNER && wanted != Affiliation.OWNER && settings.affiliations().values().stream()
                    .filter(Affiliation.OWNER::equals).count() == 1) {
                resource.execute(() -> resource.send(Stanzas.error(iq, StanzaError.CONFLICT,
                        "a room keeps at least one owner")));
                return CompletableFuture.completedFuture(null);
            }
            return seats.in(room).thenCompose(seated -> {
                boolean present = seated.stream().anyMatch(occupant -> occupant.user().equals(user));
                if (wanted == Affiliation.OUTCAST && present) {
                    resource.execute(() -> resource.send(Stanzas.error(iq, StanzaError.FEATURE_NOT_IMPLEMENTED,
                            "banning someone who is in the room (moderation) is not served yet")));
                    return CompletableFuture.completedFuture(null);
                }
                RoomSettings changed = settings.withAffiliation(user, wanted);
                return rooms.settings().save(room, changed).thenRun(() -> {
                    log.info("user {} made {} {} of room {}", connection.user(), user, wanted.label(), room);
                    muc.restanding(room, seated, user, changed);
                    resource.execute(() -> resource.send(Stanzas.result(iq, null)));
                });
            });
        }).exceptionally(error -> failed(connection, iq, room, error));
    }

    /**
     * A moderator gives an occupant a role (XEP-0045 §8.4, §9.6): voice or none of it, moderation or none of it.
     * Taking an occupant out of the room (role none: a kick) is not served yet.
     */
    private void assignRole(RoomConnection connection, XmlElement iq, String room, XmlElement item) {
        LocalResource resource = connection.resource();
        String role = item.attribute("role");
        String nick = item.attribute("nick");
        RoomConnection.Seat seat = connection.seat(room);
        if (!"get".equals(iq.attribute("type")) && "none".equals(role)) {
            resource.send(Stanzas.error(iq, StanzaError.FEATURE_NOT_IMPLEMENTED,
                    "taking someone out of the room (a kick) is not served yet"));
        } else if (!ROLES.contains(role) || nick == null || "get".equals(iq.attribute("type"))) {
            resource.send(Stanzas.error(iq, StanzaError.BAD_REQUEST, "a role is given to an occupant by nickname"));
        } else if (seat == null || !connection.isIn(room) || !"moderator".equals(seat.role())) {
            resource.send(Stanzas.error(iq, StanzaError.FORBIDDEN, "only moderators give roles"));
        } else {
            rooms.settings().find(room).thenCompose(found -> {
                RoomSettings settings = found.orElse(RoomSettings.OPEN);
                return seats.in(room).thenCompose(seated -> {
                    Occupant target = seated.stream().filter(occupant -> occupant.nick().equals(nick)).findFirst()
                            .orElse(null);
                    boolean admin = settings.moderates(connection.user());
                    if (target == null) {
                        resource.execute(() -> resource.send(Stanzas.error(iq, StanzaError.ITEM_NOT_FOUND,
                                "no one is in the room as " + nick)));
                    } else if (!admin && ("moderator".equals(role) || settings.moderates(target.user()))) {
                        resource.execute(() -> resource.send(Stanzas.error(iq, StanzaError.NOT_ALLOWED,
                                "only the room's admins and owners make or unmake moderators")));
                    } else {
                        return seats.assign(room, nick, role).thenAccept(assigned -> {
                            assigned.ifPresent(occupant -> muc.restanding(room, List.of(occupant), occupant.user(),
                                    settings));
                            log.info("user {} made {} {} in room {}", connection.user(), nick, role, room);
                            resource.execute(() -> resource.send(Stanzas.result(iq, null)));
                        });
                    }
                    return CompletableFuture.completedFuture(null);
                });
            }).exceptionally(error -> failed(connection, iq, room, error));
        }
    }

    /**
     * The room's settings, when the connection's user stands at least as high as asked; otherwise the IQ is
     * answered (forbidden, or no such room) and the result empty.
     */
    private CompletableFuture<Optional<RoomSettings>> settings(RoomConnection connection, XmlElement iq,
            String room, Affiliation needed) {
        LocalResource resource = connection.resource();
        return rooms.settings().find(room).thenApply(found -> {
            if (found.isPresent() && found.get().affiliation(connection.user()).atLeast(needed)) {
                return found;
            }
            resource.execute(() -> resource.send(found.isEmpty()
                    ? Stanzas.error(iq, StanzaError.FORBIDDEN, "the room has no owner: no one sets it up")
                    : Stanzas.error(iq, StanzaError.FORBIDDEN, "only the room's " + needed.label() + "s may")));
            return Optional.empty();
        });
    }

    private XmlElement list(RoomSettings settings, Affiliation wanted) {
        XmlElement.Builder query = XmlElement.builder("query", MUC_ADMIN);
        for (Map.Entry<String, Affiliation> standing : settings.affiliations().entrySet()) {
            if (standing.getValue() == wanted) {
                query.child(XmlElement.builder("item", MUC_ADMIN).attribute("affiliation", wanted.label())
                        .attribute("jid", standing.getKey() + "@" + domain).build());
            }
        }
        return query.build();
    }

    /** The user a bare address on this server names; null for any other address. */
    private String userOf(String jid) {
        if (jid == null) {
            return null;
        }
        String bare = jid.contains("/") ? jid.substring(0, jid.indexOf('/')) : jid;
        int at = bare.indexOf('@');
        if (at <= 0 || !bare.substring(at + 1).equalsIgnoreCase(domain)) {
            return null;
        }
        return bare.substring(0, at).toLowerCase(Locale.ROOT);
    }

    private Void failed(RoomConnection connection, XmlElement iq, String room, Throwable error) {
        log.warn("user {}: a request to the owner of room {} failed", connection.user(), room, error);
        LocalResource resource = connection.resource();
        resource.execute(() -> resource.send(Stanzas.error(iq, StanzaError.INTERNAL_SERVER_ERROR,
                "the room did not answer")));
        return null;
    }
}
