package dev.chorus.xmppface;

import dev.chorus.core.Answer;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.history.History;
import dev.chorus.core.message.Messages;
import dev.chorus.core.room.Rooms;
import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multi-user chat (XEP-0045) on the web chat's rooms: {@code ROOM@conference.DOMAIN} is room {@code ROOM}, its
 * occupants the users in it from either face, each under their account name — the nickname a client asks for is
 * replaced by it (status 210), so that no one speaks as someone else. A join is the core's join; a groupchat message
 * is the core's room message, stored once and reflected with the stored id to every occupant, on every node.
 */
final class MultiUserChat {
    private static final Logger log = LoggerFactory.getLogger(MultiUserChat.class);
    /** Messages of history a join gets when it does not say (as Prosody's default). */
    private static final int DEFAULT_HISTORY = 20;
    /** The most a history page of the core holds. */
    private static final int MAX_HISTORY = 100;

    private final Rooms rooms;
    private final Messages messages;
    private final History history;
    private final Occupants occupants;
    private final String domain;
    private final String service;

    MultiUserChat(Rooms rooms, Messages messages, History history, Occupants occupants, String domain) {
        this.rooms = rooms;
        this.messages = messages;
        this.history = history;
        this.occupants = occupants;
        this.domain = domain;
        this.service = "conference." + domain;
    }

    /** The service's domain: {@code conference.DOMAIN}. */
    String service() {
        return service;
    }

    private String roomJid(String room) {
        return room + "@" + service;
    }

    private String occupantJid(String room, String user) {
        return roomJid(room) + "/" + user;
    }

    /** A presence to {@code room@service/nick}: a join, an update, or a leave. */
    void presence(RoomConnection connection, XmlElement presence, String room, String nick) {
        LocalResource resource = connection.resource();
        if ("unavailable".equals(presence.attribute("type"))) {
            leave(connection, room);
        } else if (presence.attribute("type") != null) {
            // Subscriptions and probes mean nothing to a room.
            return;
        } else if (nick == null) {
            resource.send(Stanzas.error(presence, StanzaError.JID_MALFORMED, "a room is joined as room@"
                    + service + "/nickname"));
        } else if (connection.isIn(room)) {
            resource.send(selfPresence(room, resource, null, false, !nick.equals(connection.user())));
        } else {
            join(connection, presence, room, nick);
        }
    }

    private void join(RoomConnection connection, XmlElement presence, String room, String nick) {
        LocalResource resource = connection.resource();
        XmlElement wanted = presence.child("x", XmppNamespaces.MUC).flatMap(x -> x.child("history",
                XmppNamespaces.MUC)).orElse(null);
        rooms.join(connection, room, true).thenCompose(joined -> {
            if (joined instanceof Answer.Refused<List<String>> refused) {
                resource.execute(() -> resource.send(Stanzas.error(presence.withAttribute("to", occupantJid(room,
                        nick)), StanzaError.NOT_ALLOWED, refused.reason())));
                return CompletableFuture.completedFuture(null);
            }
            List<String> members = ((Answer.Done<List<String>>) joined).value();
            return history.room(connection.user(), room, null, null, MAX_HISTORY).thenAccept(page -> {
                List<ChatMessage> said = page instanceof Answer.Done<List<ChatMessage>> done ? done.value() : List.of();
                resource.execute(() -> welcome(connection, room, nick, members, said, wanted));
            });
        }).exceptionally(error -> {
            log.warn("user {}: joining room {} over XMPP failed", connection.user(), room, error);
            resource.execute(() -> resource.send(Stanzas.error(presence, StanzaError.INTERNAL_SERVER_ERROR,
                    "the room is not available")));
            return null;
        });
    }

    /**
     * The join's answer, in XEP-0045's order: the others' presence, the occupant's own (110), the history with its
     * delays, then the subject, which says the join is complete.
     */
    private void welcome(RoomConnection connection, String room, String nick, List<String> members,
            List<ChatMessage> said, XmlElement wanted) {
        LocalResource resource = connection.resource();
        if (!connection.isIn(room)) {
            return;
        }
        for (String member : members) {
            if (!member.equalsIgnoreCase(connection.user())) {
                resource.send(occupantPresence(room, member, resource.jid(), null));
            }
        }
        boolean created = members.size() <= 1 && said.isEmpty();
        resource.send(selfPresence(room, resource, null, created, !nick.equals(connection.user())));
        for (ChatMessage message : wantedHistory(said, wanted)) {
            resource.send(groupchat(room, message, resource.jid(), Long.toString(message.id()),
                    XmlElement.builder("delay", XmppNamespaces.DELAY)
                            .attribute("stamp", Instant.ofEpochMilli(message.ts()).toString())
                            .attribute("from", roomJid(room)).build()));
        }
        resource.send(XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("type", "groupchat").attribute("from", roomJid(room)).attribute("to", resource.jid())
                .attribute("id", "subject-" + room)
                .child(XmlElement.empty("subject", Namespaces.CLIENT)).build());
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

    private void leave(RoomConnection connection, String room) {
        LocalResource resource = connection.resource();
        if (!connection.isIn(room)) {
            return;
        }
        rooms.leave(connection, room).thenAccept(left -> resource.execute(() -> resource.send(
                XmlElement.builder("presence", Namespaces.CLIENT)
                        .attribute("type", "unavailable").attribute("from", occupantJid(room, connection.user()))
                        .attribute("to", resource.jid())
                        .child(XmlElement.builder("x", XmppNamespaces.MUC_USER)
                                .child(item(resource.jid(), "none"))
                                .child(status(110)).build())
                        .build())));
    }

    /** A message to the room, or to an occupant (a private message, which is a direct message to that user). */
    void message(RoomConnection connection, XmlElement message, String room, String nick, DirectChat direct) {
        LocalResource resource = connection.resource();
        String type = message.attribute("type");
        if ("error".equals(type)) {
            return;
        }
        if (nick != null) {
            direct.send(resource, message.withAttribute("to", nick.toLowerCase(Locale.ROOT) + "@" + domain));
            return;
        }
        if (!"groupchat".equals(type)) {
            resource.send(Stanzas.error(message, StanzaError.BAD_REQUEST, "a room takes groupchat messages"));
            return;
        }
        String text = message.child("body", Namespaces.CLIENT).map(XmlElement::text).orElse(null);
        if (text == null || text.isEmpty()) {
            if (message.child("subject", Namespaces.CLIENT).isPresent()) {
                resource.send(Stanzas.error(message, StanzaError.FORBIDDEN, "the rooms have no subject to change"));
            } else if (message.child("composing", XmppNamespaces.CHAT_STATES).isPresent()) {
                rooms.typing(connection, room);
            }
            return;
        }
        String clientId = ClientIds.of(message);
        String key = echoKey(room, connection.user(), text);
        resource.sending(key, message.attribute("id"));
        messages.toRoom(connection.user(), room, text, clientId, connection.isIn(room)).thenAccept(outcome -> {
            if (outcome instanceof Messages.Outcome.Refused refused) {
                resource.execute(() -> {
                    resource.sent(key);
                    resource.send(Stanzas.error(message, Refusals.condition(refused.reason()), refused.message()));
                });
            }
        });
    }

    /** A room's message, stored by any node: reflected to every occupant here, its sender's copy by the sender's id. */
    void posted(ChatMessage message) {
        String room = message.room();
        List<RoomConnection> here = occupants.in(room);
        if (here.isEmpty()) {
            return;
        }
        String key = echoKey(room, message.user(), message.text());
        for (RoomConnection occupant : here) {
            LocalResource resource = occupant.resource();
            resource.execute(() -> {
                if (!occupant.isIn(room)) {
                    return;
                }
                LocalResource.Echo echo = message.user().equalsIgnoreCase(occupant.user()) ? resource.sent(key) : null;
                String id = echo != null && echo.clientId() != null ? echo.clientId() : Long.toString(message.id());
                resource.send(groupchat(room, message, resource.jid(), id, null));
            });
        }
    }

    /** Someone is in the room now: each occupant here but the one who came is told. */
    void online(String room, String user, String origin) {
        for (RoomConnection occupant : occupants.in(room)) {
            if (!occupant.id().equals(origin)) {
                LocalResource resource = occupant.resource();
                resource.execute(() -> {
                    if (occupant.isIn(room)) {
                        resource.send(occupantPresence(room, user, resource.jid(), null));
                    }
                });
            }
        }
    }

    /** Someone is in the room nowhere any more. */
    void offline(String room, String user, String origin) {
        for (RoomConnection occupant : occupants.in(room)) {
            if (!occupant.id().equals(origin) && !user.equalsIgnoreCase(occupant.user())) {
                LocalResource resource = occupant.resource();
                resource.execute(() -> {
                    if (occupant.isIn(room)) {
                        resource.send(occupantPresence(room, user, resource.jid(), "unavailable"));
                    }
                });
            }
        }
    }

    /** An admin closed the room: its occupants here are out, as XEP-0045's destroyed room says. */
    void closed(String room) {
        for (RoomConnection occupant : occupants.in(room)) {
            LocalResource resource = occupant.resource();
            resource.execute(() -> {
                if (occupant.isIn(room)) {
                    rooms.remove(occupant, room);
                    resource.send(XmlElement.builder("presence", Namespaces.CLIENT)
                            .attribute("type", "unavailable").attribute("from", occupantJid(room, occupant.user()))
                            .attribute("to", resource.jid())
                            .child(XmlElement.builder("x", XmppNamespaces.MUC_USER)
                                    .child(item(resource.jid(), "none"))
                                    .child(XmlElement.empty("destroy", XmppNamespaces.MUC_USER))
                                    .child(status(110)).build())
                            .build());
                }
            });
        }
    }

    /** The resource's stream ended: it is out of every room, as a closed socket is. */
    void gone(RoomConnection connection) {
        for (String room : connection.rooms()) {
            connection.exit(room);
            rooms.left(connection, room);
        }
    }

    /** @param delay when the message was said, for one said before the occupant came; null for a live one */
    private XmlElement groupchat(String room, ChatMessage message, String to, String id, XmlElement delay) {
        XmlElement.Builder groupchat = XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("type", "groupchat").attribute("from", occupantJid(room, message.user()))
                .attribute("to", to).attribute("id", id)
                .child("body", Namespaces.CLIENT, message.text());
        if (delay != null) {
            groupchat.child(delay);
        }
        return groupchat.child(XmlElement.builder("stanza-id", XmppNamespaces.STANZA_ID)
                .attribute("id", Long.toString(message.id())).attribute("by", roomJid(room)).build()).build();
    }

    /** Another occupant's presence; the room is not anonymous, so their address is shown. */
    private XmlElement occupantPresence(String room, String user, String to, String type) {
        return XmlElement.builder("presence", Namespaces.CLIENT)
                .attribute("type", type).attribute("from", occupantJid(room, user)).attribute("to", to)
                .child(XmlElement.builder("x", XmppNamespaces.MUC_USER)
                        .child(item(user.toLowerCase(Locale.ROOT) + "@" + domain,
                                type == null ? "participant" : "none"))
                        .build())
                .build();
    }

    /**
     * The occupant's own presence: 110 (it is theirs), 100 (everyone sees addresses), 201 for a room no one was in
     * and nothing was said, 210 when the nickname asked for was replaced by the account's name.
     */
    private XmlElement selfPresence(String room, LocalResource resource, String type, boolean created,
            boolean renamed) {
        XmlElement.Builder x = XmlElement.builder("x", XmppNamespaces.MUC_USER)
                .child(item(resource.jid(), "participant"))
                .child(status(100))
                .child(status(110));
        if (created) {
            x.child(status(201));
        }
        if (renamed) {
            x.child(status(210));
        }
        return XmlElement.builder("presence", Namespaces.CLIENT)
                .attribute("type", type).attribute("from", occupantJid(room, resource.username()))
                .attribute("to", resource.jid()).child(x.build()).build();
    }

    private static XmlElement item(String jid, String role) {
        return XmlElement.builder("item", XmppNamespaces.MUC_USER)
                .attribute("affiliation", "none").attribute("role", role).attribute("jid", jid).build();
    }

    private static XmlElement status(int code) {
        return XmlElement.builder("status", XmppNamespaces.MUC_USER).attribute("code", Integer.toString(code))
                .build();
    }

    private static String echoKey(String room, String user, String text) {
        return "room\n" + room + "\n" + user.toLowerCase(Locale.ROOT) + "\n" + text;
    }
}
