package dev.chorus.xmppface;

import dev.chorus.core.Answer;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.history.History;
import dev.chorus.core.limits.RequestLimits;
import dev.chorus.core.message.Messages;
import dev.chorus.core.room.Affiliation;
import dev.chorus.core.room.Occupant;
import dev.chorus.core.room.OccupantStore;
import dev.chorus.core.room.RoomSettings;
import dev.chorus.core.room.Rooms;
import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multi-user chat (XEP-0045) on the web chat's rooms: {@code ROOM@conference.DOMAIN} is room {@code ROOM}. Its
 * occupants are the XMPP users in it under the nicknames they chose (held cluster-wide in the {@link OccupantStore})
 * and its web users under their account names. A join is the core's join, through the door the room's owner set up;
 * a groupchat message is the core's room message, stored once and reflected with the stored id to every occupant, on
 * every node. Comings and goings under nicknames, and subjects, travel between nodes as {@link RoomNews}.
 */
final class MultiUserChat {
    private static final Logger log = LoggerFactory.getLogger(MultiUserChat.class);
    /** Messages of history a join gets when it does not say (as Prosody's default). */
    private static final int DEFAULT_HISTORY = 20;
    /** The most a history page of the core holds. */
    private static final int MAX_HISTORY = 100;
    private static final Map<String, StanzaError> REFUSALS = Map.of(
            RoomSettings.LOCKED, StanzaError.ITEM_NOT_FOUND,
            RoomSettings.BANNED, StanzaError.FORBIDDEN,
            RoomSettings.MEMBERS_ONLY, StanzaError.REGISTRATION_REQUIRED,
            RoomSettings.WRONG_PASSWORD, StanzaError.NOT_AUTHORIZED,
            RoomSettings.FULL, StanzaError.SERVICE_UNAVAILABLE,
            RequestLimits.REFUSED, StanzaError.RESOURCE_CONSTRAINT);

    private final Rooms rooms;
    private final Messages messages;
    private final History history;
    private final OccupantStore seats;
    private final Occupants occupants;
    private final String domain;
    private final String service;
    private final String node;
    private final Clock clock;
    /** For the rooms with occupants on this node: who sits there under which nickname, as last heard. */
    private final Map<String, Map<String, RoomNews>> nicks = new ConcurrentHashMap<>();
    private volatile Consumer<String> elsewhere = news -> { };

    MultiUserChat(Rooms rooms, Messages messages, History history, OccupantStore seats, Occupants occupants,
            String domain, String node, Clock clock) {
        this.rooms = rooms;
        this.messages = messages;
        this.history = history;
        this.seats = seats;
        this.occupants = occupants;
        this.domain = domain;
        this.service = "conference." + domain;
        this.node = node;
        this.clock = clock;
    }

    /** The service's domain: {@code conference.DOMAIN}. */
    String service() {
        return service;
    }

    /** How news leaves this node for the others (as JSON, for {@link #heard}). */
    void elsewhere(Consumer<String> sender) {
        this.elsewhere = sender;
    }

    String roomJid(String room) {
        return room + "@" + service;
    }

    String occupantJid(String room, String nick) {
        return roomJid(room) + "/" + nick;
    }

    /** A presence to {@code room@service/nick}: a join, a change of nickname, an update, or a leave. */
    void presence(RoomConnection connection, XmlElement presence, String room, String nick) {
        LocalResource resource = connection.resource();
        RoomConnection.Seat seat = connection.seat(room);
        if ("unavailable".equals(presence.attribute("type"))) {
            if (connection.isIn(room)) {
                leave(connection, room);
            }
        } else if (presence.attribute("type") != null) {
            // Subscriptions and probes mean nothing to a room.
            return;
        } else if (nick == null || nick.isBlank()) {
            resource.send(Stanzas.error(presence, StanzaError.JID_MALFORMED, "a room is joined as room@"
                    + service + "/nickname"));
        } else if (seat != null && connection.isIn(room) && !seat.nick().equals(nick)) {
            rename(connection, presence, room, seat.nick(), nick);
        } else if (seat == null) {
            join(connection, presence, room, nick);
        }
    }

    private void join(RoomConnection connection, XmlElement presence, String room, String nick) {
        LocalResource resource = connection.resource();
        String user = connection.user();
        XmlElement muc = presence.child("x", XmppNamespaces.MUC).orElse(null);
        XmlElement wanted = muc == null ? null : muc.child("history", XmppNamespaces.MUC).orElse(null);
        String password = muc == null ? null : muc.child("password", XmppNamespaces.MUC).map(XmlElement::text)
                .orElse(null);
        XmlElement asked = presence.withAttribute("to", occupantJid(room, nick));
        connection.seat(room, new RoomConnection.Seat(nick, "participant"));
        seats.claim(room, nick, user, connection.id(), node).thenCompose(claim -> {
            if (claim == OccupantStore.Claim.TAKEN) {
                refuse(connection, room, asked, StanzaError.CONFLICT, "that nickname is someone else's here");
                return CompletableFuture.completedFuture(null);
            }
            return rooms.join(connection, room, true, password).thenCompose(joined -> {
                if (joined instanceof Answer.Refused<List<String>> refused) {
                    seats.release(room, nick, connection.id(), node);
                    refuse(connection, room, asked, REFUSALS.getOrDefault(refused.reason(), StanzaError.NOT_ALLOWED),
                            refused.reason());
                    return CompletableFuture.completedFuture(null);
                }
                List<String> members = ((Answer.Done<List<String>>) joined).value();
                return entered(connection, room, nick, members, claim == OccupantStore.Claim.NEW, wanted);
            });
        }).exceptionally(error -> {
            log.warn("user {}: joining room {} over XMPP failed", user, room, error);
            refuse(connection, room, asked, StanzaError.INTERNAL_SERVER_ERROR, "the room is not available");
            return null;
        });
    }

    private void refuse(RoomConnection connection, String room, XmlElement presence, StanzaError error,
            String text) {
        LocalResource resource = connection.resource();
        resource.execute(() -> {
            if (!connection.isIn(room)) {
                connection.unseat(room);
            }
            resource.send(Stanzas.error(presence, error, text));
        });
    }

    /**
     * In the room: the settings (a room no one set up and no one was ever in is the joiner's, created now), the
     * history and the others there are read, then the joiner is welcomed and the others told.
     */
    private CompletableFuture<Void> entered(RoomConnection connection, String room, String nick,
            List<String> members, boolean newOccupant, XmlElement wanted) {
        String user = connection.user();
        CompletableFuture<Answer<List<ChatMessage>>> said = history.room(user, room, null, null, MAX_HISTORY);
        return said.thenCompose(page -> {
            List<ChatMessage> messages = page instanceof Answer.Done<List<ChatMessage>> done ? done.value()
                    : List.of();
            boolean alone = members.size() == 1 && messages.isEmpty();
            return rooms.settings().find(room).thenCompose(found -> found.isPresent() || !alone
                    ? CompletableFuture.completedFuture(new Setup(found.orElse(RoomSettings.OPEN), false))
                    : create(room, RoomSettings.createdBy(user, clock.instant())))
                    .thenCompose(setup -> seats.in(room).thenAccept(seated -> connection.resource().execute(() ->
                            welcome(connection, room, nick, setup, roster(room, seated, members, setup.settings()),
                                    messages, wanted, newOccupant))));
        });
    }

    /** The joiner's room, unless another joiner created it first. */
    private CompletableFuture<Setup> create(String room, RoomSettings created) {
        return rooms.settings().create(room, created).thenCompose(first -> first
                ? CompletableFuture.completedFuture(new Setup(created, true))
                : rooms.settings().find(room).thenApply(again -> new Setup(again.orElse(RoomSettings.OPEN), false)));
    }

    /** A room's settings as the joiner found them, and whether the join created the room. */
    private record Setup(RoomSettings settings, boolean created) {
    }

    /** Everyone in the room: the XMPP occupants by nickname, and the web users who are not among them. */
    private List<RoomNews> roster(String room, List<Occupant> seated, List<String> members, RoomSettings settings) {
        List<RoomNews> roster = new ArrayList<>();
        List<String> seatedUsers = new ArrayList<>();
        for (Occupant occupant : seated) {
            seatedUsers.add(occupant.user());
            String resource = XmppResources.resourceOf(occupant.connections().get(0));
            String jid = occupant.user() + "@" + domain + (resource == null ? "" : "/" + resource);
            roster.add(news(room, occupant.nick(), occupant.user(), null, jid, settings, true, null,
                    occupant.role()));
        }
        for (String member : members) {
            String user = member.toLowerCase(Locale.ROOT);
            if (!seatedUsers.contains(user)) {
                roster.add(news(room, member, user, null, user + "@" + domain, settings, true, null));
            }
        }
        return roster;
    }

    private RoomNews news(String room, String nick, String user, String connection, String jid,
            RoomSettings settings, boolean available, String newNick) {
        return news(room, nick, user, connection, jid, settings, available, newNick, null);
    }

    /** @param assigned the role a moderator gave the occupant; null for the one their affiliation gives */
    private RoomNews news(String room, String nick, String user, String connection, String jid,
            RoomSettings settings, boolean available, String newNick, String assigned) {
        Affiliation affiliation = settings.affiliation(user);
        String role = !available ? "none" : assigned != null ? assigned : role(settings, affiliation);
        return new RoomNews(room, nick, user, connection, jid, affiliation.label(), role, available, newNick,
                settings.anonymous(), null);
    }

    /** The role an affiliation gives in a room (XEP-0045 §5.1.2): no one's role is changed by hand here. */
    static String role(RoomSettings settings, Affiliation affiliation) {
        if (affiliation.atLeast(Affiliation.ADMIN)) {
            return "moderator";
        }
        return settings.moderated() && !affiliation.atLeast(Affiliation.MEMBER) ? "visitor" : "participant";
    }

    /**
     * The join's answer, in XEP-0045's order: the others' presence, the occupant's own, the history with its
     * delays, then the subject, which says the join is complete. Then the others hear of the new occupant.
     */
    private void welcome(RoomConnection connection, String room, String nick, Setup setup, List<RoomNews> roster,
            List<ChatMessage> said, XmlElement wanted, boolean newOccupant) {
        LocalResource resource = connection.resource();
        if (!connection.isIn(room)) {
            return;
        }
        RoomSettings settings = setup.settings();
        Affiliation affiliation = settings.affiliation(connection.user());
        RoomNews self = news(room, nick, connection.user(), connection.id(), resource.jid(), settings, true, null);
        connection.seat(room, new RoomConnection.Seat(nick, self.role()));
        Map<String, RoomNews> here = nicks.computeIfAbsent(room, name -> new ConcurrentHashMap<>());
        for (RoomNews other : roster) {
            here.put(other.nick(), other);
            if (!other.nick().equals(nick)) {
                resource.send(OccupantPresence.of(other, occupantJid(room, other.nick()), resource.jid(),
                        self.role()));
            }
        }
        resource.send(OccupantPresence.self(self, occupantJid(room, nick), setup.created()));
        for (ChatMessage message : wantedHistory(said, wanted)) {
            resource.send(groupchat(room, message, senderOf(room, message), resource.jid(),
                    Long.toString(message.id()),
                    XmlElement.builder("delay", XmppNamespaces.DELAY)
                            .attribute("stamp", Instant.ofEpochMilli(message.ts()).toString())
                            .attribute("from", roomJid(room)).build()));
        }
        resource.send(subject(room, settings.subjectBy(), settings.subject(), resource.jid()));
        if (!said.isEmpty()) {
            resource.roomFloor(room, said.get(said.size() - 1).id());
        } else {
            resource.client().stateChanged();
        }
        if (newOccupant) {
            tell(self);
        }
        log.debug("user {} is in room {} as {} ({})", connection.user(), room, nick, affiliation.label());
    }

    /** The part of the room's last messages the client asked for (XEP-0045 §7.2.15). */
    private static List<ChatMessage> wantedHistory(List<ChatMessage> said, XmlElement wanted) {
        int count = DEFAULT_HISTORY;
        long since = Long.MIN_VALUE;
        if (wanted != null) {
            if ("0".equals(wanted.attribute("maxchars"))) {
                return List.of();
            }
            count = number(wanted.attribute("maxstanzas"), DEFAULT_HISTORY);
            int seconds = number(wanted.attribute("seconds"), -1);
            if (seconds >= 0) {
                since = System.currentTimeMillis() - seconds * 1000L;
            }
            String stamp = wanted.attribute("since");
            if (stamp != null) {
                try {
                    since = Math.max(since, Instant.parse(stamp).toEpochMilli());
                } catch (RuntimeException e) {
                    // A date the client cannot have meant: as if it had said none.
                }
            }
        }
        long after = since;
        List<ChatMessage> recent = said.stream().filter(message -> message.ts() >= after).toList();
        return recent.subList(Math.max(0, recent.size() - Math.max(0, count)), recent.size());
    }

    private static int number(String text, int otherwise) {
        try {
            return text == null ? otherwise : Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** A new nickname in a room the connection is in (XEP-0045 §7.6): taken, then the old one let go. */
    private void rename(RoomConnection connection, XmlElement presence, String room, String old, String nick) {
        LocalResource resource = connection.resource();
        XmlElement asked = presence.withAttribute("to", occupantJid(room, nick));
        seats.claim(room, nick, connection.user(), connection.id(), node).thenCompose(claim -> {
            if (claim == OccupantStore.Claim.TAKEN) {
                resource.execute(() -> resource.send(Stanzas.error(asked, StanzaError.CONFLICT,
                        "that nickname is someone else's here")));
                return CompletableFuture.completedFuture(null);
            }
            return seats.release(room, old, connection.id(), node).thenCompose(gone -> rooms.settings().find(room)
                    .thenAccept(found -> resource.execute(() -> {
                        RoomSettings settings = found.orElse(RoomSettings.OPEN);
                        String user = connection.user();
                        connection.seat(room, new RoomConnection.Seat(nick, role(settings,
                                settings.affiliation(user))));
                        resource.client().stateChanged();
                        RoomNews went = news(room, old, user, connection.id(), resource.jid(), settings, false, nick);
                        RoomNews came = news(room, nick, user, connection.id(), resource.jid(), settings, true,
                                null);
                        resource.send(OccupantPresence.self(went, occupantJid(room, old), false));
                        resource.send(OccupantPresence.self(came, occupantJid(room, nick), false));
                        tell(went);
                        tell(came);
                    })));
        }).exceptionally(error -> {
            log.warn("user {}: changing nickname in room {} failed", connection.user(), room, error);
            resource.execute(() -> resource.send(Stanzas.error(asked, StanzaError.INTERNAL_SERVER_ERROR,
                    "the nickname was not changed")));
            return null;
        });
    }

    private void leave(RoomConnection connection, String room) {
        LocalResource resource = connection.resource();
        RoomConnection.Seat seat = connection.seat(room);
        rooms.leave(connection, room).thenAccept(left -> {
            if (seat != null) {
                vacate(connection, room, seat, true);
            }
        });
    }

    /** The connection's seat in the room is free: the others hear it went, and the occupant itself if asked. */
    private void vacate(RoomConnection connection, String room, RoomConnection.Seat seat, boolean answer) {
        LocalResource resource = connection.resource();
        String user = connection.user();
        seats.release(room, seat.nick(), connection.id(), node).thenAccept(gone -> {
            RoomNews went = new RoomNews(room, seat.nick(), user, connection.id(), resource.jid(), null, "none",
                    false, null, false, null);
            if (answer) {
                resource.execute(() -> resource.send(OccupantPresence.self(went, occupantJid(room, seat.nick()),
                        false)));
            }
            if (gone) {
                tell(went);
            }
            forgetIfEmpty(room);
        }).exceptionally(error -> {
            log.warn("user {}: leaving room {} as {} not recorded", user, room, seat.nick(), error);
            return null;
        });
    }

    private void forgetIfEmpty(String room) {
        if (occupants.in(room).isEmpty()) {
            nicks.remove(room);
        }
    }

    /** News for every node: heard here at once, and sent to the others. */
    private void tell(RoomNews news) {
        heard(news);
        elsewhere.accept(news.json());
    }

    /** News from any node, rendered for the occupants here. */
    void heard(RoomNews news) {
        String room = news.room();
        List<RoomConnection> here = occupants.in(room);
        if (here.isEmpty()) {
            return;
        }
        Map<String, RoomNews> known = nicks.get(room);
        if (known != null && !news.isSubject()) {
            if (news.available()) {
                known.put(news.nick(), news);
            } else {
                known.computeIfPresent(news.nick(), (nick, seat) -> seat.user().equals(news.user()) ? null : seat);
            }
        }
        for (RoomConnection occupant : here) {
            if (occupant.id().equals(news.connection())) {
                continue;
            }
            LocalResource resource = occupant.resource();
            resource.execute(() -> {
                RoomConnection.Seat seat = occupant.seat(room);
                if (!occupant.isIn(room) || seat == null) {
                    return;
                }
                if (news.available() && !news.isSubject() && seat.nick().equals(news.nick())
                        && occupant.user().equalsIgnoreCase(news.user())) {
                    seat = new RoomConnection.Seat(seat.nick(), news.role());
                    occupant.seat(room, seat);
                }
                resource.send(news.isSubject() ? subject(room, news.nick(), news.subject(), resource.jid())
                        : OccupantPresence.of(news, occupantJid(room, news.nick()), resource.jid(), seat.role()));
            });
        }
    }

    /**
     * Users' standing in the room changed: each of their seats is shown again with its new affiliation and role.
     */
    void restanding(String room, List<Occupant> seated, String user, RoomSettings settings) {
        for (Occupant occupant : seated) {
            if (occupant.user().equals(user)) {
                String resource = XmppResources.resourceOf(occupant.connections().get(0));
                tell(news(room, occupant.nick(), user, null, user + "@" + domain + (resource == null ? ""
                        : "/" + resource), settings, true, null, occupant.role()));
            }
        }
    }

    /** A subject message; an empty one when the room has none, which ends a join all the same. */
    private XmlElement subject(String room, String by, String subject, String to) {
        return XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("type", "groupchat").attribute("from", by == null ? roomJid(room) : occupantJid(room, by))
                .attribute("to", to).attribute("id", "subject-" + room)
                .child("subject", Namespaces.CLIENT, subject == null ? "" : subject).build();
    }

    /** A message to the room, or to an occupant (a private message, which is a direct message to that user). */
    void message(RoomConnection connection, XmlElement message, String room, String nick, DirectChat direct) {
        LocalResource resource = connection.resource();
        String type = message.attribute("type");
        if ("error".equals(type)) {
            return;
        }
        if (nick != null) {
            String user = userOf(room, nick);
            if (user == null) {
                resource.send(Stanzas.error(message, StanzaError.ITEM_NOT_FOUND, "no one is in the room as " + nick));
            } else {
                direct.send(resource, message.withAttribute("to", user + "@" + domain));
            }
            return;
        }
        if (!"groupchat".equals(type)) {
            resource.send(Stanzas.error(message, StanzaError.BAD_REQUEST, "a room takes groupchat messages"));
            return;
        }
        String text = message.child("body", Namespaces.CLIENT).map(XmlElement::text).orElse(null);
        if (text == null || text.isEmpty()) {
            XmlElement subject = message.child("subject", Namespaces.CLIENT).orElse(null);
            if (subject != null) {
                changeSubject(connection, message, room, subject.text());
            } else if (message.child("composing", XmppNamespaces.CHAT_STATES).isPresent()) {
                rooms.typing(connection, room);
            }
            return;
        }
        RoomConnection.Seat seat = connection.seat(room);
        if (seat != null && "visitor".equals(seat.role())) {
            resource.send(Stanzas.error(message, StanzaError.FORBIDDEN, "visitors may not speak in a moderated room"));
            return;
        }
        String clientId = ClientIds.of(message);
        String key = echoKey(room, connection.user(), text);
        resource.sending(key, message.attribute("id"));
        String sentAs = seat == null ? null : seat.nick();
        messages.toRoom(connection.user(), room, text, clientId, connection.isIn(room), sentAs).thenAccept(outcome -> {
            if (outcome instanceof Messages.Outcome.Refused refused) {
                resource.execute(() -> {
                    resource.sent(key);
                    resource.send(Stanzas.error(message, Refusals.condition(refused.reason()), refused.message()));
                });
            }
        });
    }

    /** XEP-0045 §8.1: moderators change the subject, and anyone when the room lets them. */
    private void changeSubject(RoomConnection connection, XmlElement message, String room, String subject) {
        LocalResource resource = connection.resource();
        RoomConnection.Seat seat = connection.seat(room);
        if (seat == null || !connection.isIn(room)) {
            resource.send(Stanzas.error(message, StanzaError.NOT_ACCEPTABLE, "only occupants change the subject"));
            return;
        }
        rooms.settings().find(room).thenCompose(found -> {
            RoomSettings settings = found.orElse(RoomSettings.OPEN);
            boolean allowed = found.isEmpty() || settings.anyoneSubject() || settings.moderates(connection.user());
            if (!allowed) {
                resource.execute(() -> resource.send(Stanzas.error(message, StanzaError.FORBIDDEN,
                        "only moderators change this room's subject")));
                return CompletableFuture.completedFuture(null);
            }
            return rooms.settings().save(room, settings.withSubject(subject, seat.nick()))
                    .thenRun(() -> tell(RoomNews.subject(room, seat.nick(), subject)));
        }).exceptionally(error -> {
            log.warn("user {}: changing the subject of room {} failed", connection.user(), room, error);
            resource.execute(() -> resource.send(Stanzas.error(message, StanzaError.INTERNAL_SERVER_ERROR,
                    "the subject was not changed")));
            return null;
        });
    }

    /** Who sits in the room under the nickname, as this node knows it; null when no one. */
    String userOf(String room, String nick) {
        RoomNews seat = seatOf(room, nick);
        return seat == null ? null : seat.user();
    }

    private RoomNews seatOf(String room, String nick) {
        Map<String, RoomNews> known = nicks.get(room);
        return known == null ? null : known.get(nick);
    }

    /** The nickname a user speaks under in the room: the one this node knows, else their account name. */
    private String nickOf(String room, String user) {
        Map<String, RoomNews> known = nicks.get(room);
        if (known != null) {
            String lower = user.toLowerCase(Locale.ROOT);
            for (RoomNews seat : known.values()) {
                if (seat.user().equals(lower)) {
                    return seat.nick();
                }
            }
        }
        return user;
    }

    boolean hasOccupantsHere(String room) {
        return !occupants.in(room).isEmpty();
    }

    /** A room's message, stored by any node: reflected to every occupant here, its sender's copy by the sender's id. */
    void posted(ChatMessage message) {
        String room = message.room();
        List<RoomConnection> here = occupants.in(room);
        if (here.isEmpty()) {
            return;
        }
        String key = echoKey(room, message.user(), message.text());
        String from = senderOf(room, message);
        for (RoomConnection occupant : here) {
            LocalResource resource = occupant.resource();
            resource.execute(() -> {
                if (!occupant.isIn(room)) {
                    return;
                }
                LocalResource.Echo echo = message.user().equalsIgnoreCase(occupant.user()) ? resource.sent(key) : null;
                String id = echo != null && echo.clientId() != null ? echo.clientId() : Long.toString(message.id());
                resource.roomMessage(room, message.id(), groupchat(room, message, from, resource.jid(), id, null));
            });
        }
    }

    /**
     * Seats a restored resource again where it sat on the node that died (XEP-0198 resumption elsewhere), under the
     * same nickname, without welcoming it: it knows the room. The others hear it came back if they heard it went.
     * When the nickname was taken meanwhile, or the room will not have it back, it hears it is out.
     */
    CompletableFuture<Void> reseat(RoomConnection connection, String room, String nick) {
        LocalResource resource = connection.resource();
        String user = connection.user();
        connection.seat(room, new RoomConnection.Seat(nick, "participant"));
        return seats.claim(room, nick, user, connection.id(), node).thenCompose(claim -> {
            if (claim == OccupantStore.Claim.TAKEN) {
                unseated(connection, room, nick);
                return CompletableFuture.<Void>completedFuture(null);
            }
            return rooms.join(connection, room, true, null).thenCompose(joined -> {
                if (joined instanceof Answer.Refused<List<String>>) {
                    seats.release(room, nick, connection.id(), node);
                    unseated(connection, room, nick);
                    return CompletableFuture.<Void>completedFuture(null);
                }
                List<String> members = ((Answer.Done<List<String>>) joined).value();
                return rooms.settings().find(room).thenCompose(found -> seats.in(room).thenAccept(seated ->
                        resource.execute(() -> {
                            RoomSettings settings = found.orElse(RoomSettings.OPEN);
                            RoomNews self = news(room, nick, user, connection.id(), resource.jid(), settings, true,
                                    null);
                            connection.seat(room, new RoomConnection.Seat(nick, self.role()));
                            Map<String, RoomNews> here = nicks.computeIfAbsent(room, name -> new ConcurrentHashMap<>());
                            roster(room, seated, members, settings).forEach(other -> here.put(other.nick(), other));
                            if (claim == OccupantStore.Claim.NEW) {
                                tell(self);
                            }
                            resource.client().stateChanged();
                        })));
            });
        }).exceptionally(error -> {
            log.warn("user {}: back in room {} as {} after a resumption not recorded", user, room, nick, error);
            return null;
        });
    }

    /** A restored resource is not back in the room: it hears it is out, as one whose room was closed does. */
    private void unseated(RoomConnection connection, String room, String nick) {
        LocalResource resource = connection.resource();
        resource.execute(() -> {
            connection.unseat(room);
            resource.forgetRoom(room);
            resource.client().stateChanged();
            RoomNews went = new RoomNews(room, nick, connection.user(), connection.id(), resource.jid(), null, "none",
                    false, null, false, null);
            resource.send(OccupantPresence.self(went, occupantJid(room, nick), false));
        });
    }

    /** The room's messages said after {@code after} (its id; null for all kept), for a restored resource. */
    CompletableFuture<List<ChatMessage>> missed(RoomConnection connection, String room, Long after) {
        return history.room(connection.user(), room, null, after == null ? 0L : after, MAX_HISTORY).thenApply(page ->
                page instanceof Answer.Done<List<ChatMessage>> done ? done.value() : List.of());
    }

    /** A room's message the restored resource missed, sent with the time it was said. */
    void sendMissed(RoomConnection connection, String room, ChatMessage message) {
        LocalResource resource = connection.resource();
        String id = message.user().equalsIgnoreCase(connection.user()) && message.clientId() != null
                ? message.clientId() : Long.toString(message.id());
        resource.missed(room, message.id(), groupchat(room, message, senderOf(room, message), resource.jid(), id,
                XmlElement.builder("delay", XmppNamespaces.DELAY)
                        .attribute("stamp", Instant.ofEpochMilli(message.ts()).toString())
                        .attribute("from", roomJid(room)).build()));
    }

    /** A web user is in the room now: shown under their account name, unless they sit there under a nickname. */
    void online(String room, String user, String origin) {
        if (origin != null && XmppResources.resourceOf(origin) != null || occupants.in(room).isEmpty()) {
            return;
        }
        rooms.settings().find(room).thenAccept(found -> heard(news(room, user, user.toLowerCase(Locale.ROOT),
                origin, user.toLowerCase(Locale.ROOT) + "@" + domain, found.orElse(RoomSettings.OPEN), true, null)));
    }

    /**
     * A user is in the room nowhere any more: their web seat, under their account name, is empty. Their XMPP seats
     * are told of on their own (a node that vanished frees them too).
     */
    void offline(String room, String user, String origin) {
        String lower = user.toLowerCase(Locale.ROOT);
        RoomNews seat = seatOf(room, user);
        boolean webSeat = seat != null && seat.user().equals(lower) && !seat.jid().contains("/");
        if (origin != null && XmppResources.resourceOf(origin) != null || !webSeat) {
            return;
        }
        heard(new RoomNews(room, user, lower, origin, lower + "@" + domain, null, "none", false, null, false,
                null));
    }

    /** The room is destroyed or closed: its occupants here are out, as XEP-0045's destroyed room says. */
    void closed(String room) {
        nicks.remove(room);
        for (RoomConnection occupant : occupants.in(room)) {
            LocalResource resource = occupant.resource();
            resource.execute(() -> {
                RoomConnection.Seat seat = occupant.seat(room);
                if (occupant.isIn(room)) {
                    rooms.remove(occupant, room);
                    resource.send(OccupantPresence.destroyed(occupantJid(room, seat == null ? occupant.user()
                            : seat.nick()), resource.jid()));
                }
            });
        }
    }

    /** The resource's stream ended: it is out of every room, as a closed socket is. */
    void gone(RoomConnection connection) {
        for (String room : connection.rooms()) {
            RoomConnection.Seat seat = connection.seat(room);
            connection.exit(room);
            rooms.left(connection, room);
            if (seat != null) {
                vacate(connection, room, seat, false);
            }
        }
    }

    /**
     * The resource's session moved to another node, which seats it again: it is out of its rooms here, its seats
     * given back, without anyone told it went.
     */
    void moved(RoomConnection connection) {
        for (String room : connection.rooms()) {
            RoomConnection.Seat seat = connection.seat(room);
            connection.exit(room);
            rooms.left(connection, room);
            if (seat != null) {
                seats.release(room, seat.nick(), connection.id(), node).thenAccept(gone -> forgetIfEmpty(room))
                        .exceptionally(error -> {
                            log.warn("user {}: the seat {} in room {} of a session gone elsewhere was not freed",
                                    connection.user(), seat.nick(), room, error);
                            return null;
                        });
            }
        }
    }

    /** A node died: a survivor frees the nicknames its connections held, and every node hears they went. */
    void vanished(String deadNode) {
        seats.purge(deadNode).thenAccept(vacated -> vacated.forEach(gone -> {
            Occupant occupant = gone.occupant();
            String resource = XmppResources.resourceOf(occupant.connections().get(0));
            tell(new RoomNews(gone.room(), occupant.nick(), occupant.user(), null, occupant.user() + "@" + domain
                    + (resource == null ? "" : "/" + resource), null, "none", false, null, false, null));
        })).exceptionally(error -> {
            log.warn("the nicknames held on vanished node {} were not freed", deadNode, error);
            return null;
        });
    }

    /** The occupant address a room message is from: the nickname it was said under, else its sender's here. */
    private String senderOf(String room, ChatMessage message) {
        return occupantJid(room, message.sentAs() != null ? message.sentAs() : nickOf(room, message.user()));
    }

    /**
     * @param from  the occupant address it is from ({@link #senderOf})
     * @param delay when the message was said, for one said before the occupant came; null for a live one
     */
    private XmlElement groupchat(String room, ChatMessage message, String from, String to, String id,
            XmlElement delay) {
        XmlElement.Builder groupchat = XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("type", "groupchat").attribute("from", from)
                .attribute("to", to).attribute("id", id)
                .child("body", Namespaces.CLIENT, message.text());
        if (delay != null) {
            groupchat.child(delay);
        }
        return groupchat.child(XmlElement.builder("stanza-id", XmppNamespaces.STANZA_ID)
                .attribute("id", Long.toString(message.id())).attribute("by", roomJid(room)).build()).build();
    }

    private static String echoKey(String room, String user, String text) {
        return "room\n" + room + "\n" + user.toLowerCase(Locale.ROOT) + "\n" + text;
    }
}
