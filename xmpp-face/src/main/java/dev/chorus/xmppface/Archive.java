package dev.chorus.xmppface;

import dev.chorus.core.Answer;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.history.History;
import dev.chorus.core.room.RoomNames;
import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.stream.StanzaError;
import dev.chorus.xmpp.stream.Stanzas;
import dev.chorus.xmpp.xml.XmlElement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Message archive management (XEP-0313, {@code urn:xmpp:mam:2}) with result set management (XEP-0059): a room's
 * archive, a user's conversation with one contact and the user's whole archive across contacts are the web chat's
 * histories, paged by the stored ids that every live message carries as its {@code stanza-id}. An archived message
 * carries its sender's own id and client, as it was sent.
 */
final class Archive {
    private static final int DEFAULT_PAGE = 50;
    /** The core's largest page holds one more than this, which tells whether the archive goes on. */
    private static final int MAX_PAGE = 99;
    /** Pages read forward at most to find where {@code start} begins. */
    private static final int MAX_SCAN = 20;

    private final History history;
    private final String domain;
    private final String service;

    Archive(History history, String domain, String service) {
        this.history = history;
        this.domain = domain;
        this.service = service;
    }

    /** What a query asks, read from its form and its result set. */
    private record Query(String queryId, String with, Long start, Long end, int max, Long after, Long before,
            boolean last) {
    }

    /**
     * @param archive whose archive is asked: the user's own (their bare address) or a room's
     * @return whether the request was a MAM one, and is answered
     */
    boolean answer(LocalResource resource, XmlElement iq, String archive) {
        XmlElement payload = iq.elements().get(0);
        if (payload.is("prefs", XmppNamespaces.MAM)) {
            resource.send(Stanzas.error(iq, StanzaError.FEATURE_NOT_IMPLEMENTED,
                    "every message is archived; there is nothing to prefer"));
            return true;
        }
        if (!payload.is("query", XmppNamespaces.MAM)) {
            return false;
        }
        if ("get".equals(iq.attribute("type"))) {
            resource.send(Stanzas.result(iq, XmlElement.builder("query", XmppNamespaces.MAM).child(fields()).build()));
            return true;
        }
        Query query;
        try {
            query = read(payload);
        } catch (IllegalArgumentException e) {
            resource.send(Stanzas.error(iq, StanzaError.BAD_REQUEST, e.getMessage()));
            return true;
        }
        Optional<Page> source = pages(resource, archive, query);
        if (source.isEmpty()) {
            resource.send(Stanzas.error(iq, StanzaError.FEATURE_NOT_IMPLEMENTED, archive.endsWith("@" + service)
                    ? "a room's archive is searched without 'with'"
                    : "the archive holds this server's users only"));
            return true;
        }
        page(source.get(), query).whenComplete((found, error) -> resource.execute(() -> {
            if (error != null || found == null) {
                resource.send(Stanzas.error(iq, error == null ? StanzaError.RESOURCE_CONSTRAINT
                        : StanzaError.INTERNAL_SERVER_ERROR, error == null ? "too many queries; retry later" : null));
                return;
            }
            for (ChatMessage message : found.messages()) {
                resource.send(result(resource, query, message, archive));
            }
            resource.send(Stanzas.result(iq, fin(found)));
        }));
        return true;
    }

    /** Reads a page of an archive, oldest first: null when the user's budget refused it. */
    @FunctionalInterface
    private interface Page {
        CompletableFuture<List<ChatMessage>> read(Long before, Long after, int limit);
    }

    private Optional<Page> pages(LocalResource resource, String archive, Query query) {
        String user = resource.username();
        if (archive.endsWith("@" + service)) {
            if (query.with() != null) {
                return Optional.empty();
            }
            String room = archive.substring(0, archive.indexOf('@'));
            return Optional.of((before, after, limit) -> history.room(user, room, before, after, limit)
                    .thenApply(Archive::orNull));
        }
        if (query.with() == null) {
            return Optional.of((before, after, limit) -> history.archive(user, before, after, limit)
                    .thenApply(Archive::orNull));
        }
        if (!query.with().endsWith("@" + domain)) {
            return Optional.empty();
        }
        String with = query.with().substring(0, query.with().indexOf('@'));
        return Optional.of((before, after, limit) -> history.direct(user, with, before, after, limit)
                .thenApply(Archive::orNull));
    }

    private static List<ChatMessage> orNull(Answer<List<ChatMessage>> answer) {
        return answer instanceof Answer.Done<List<ChatMessage>> done ? done.value() : null;
    }

    /** A page as the client asked, and whether it reaches the archive's end in the direction it was read. */
    private record Found(List<ChatMessage> messages, boolean complete) {
    }

    private CompletableFuture<Found> page(Page source, Query query) {
        if (query.before() != null || query.last()) {
            return source.read(query.before(), null, query.max() + 1).thenApply(messages -> messages == null ? null
                    : backward(messages, query));
        }
        if (query.after() == null && query.start() != null) {
            return startingAt(source, query, 0L, 0);
        }
        return source.read(null, query.after() == null ? 0L : query.after(), query.max() + 1).thenApply(messages ->
                messages == null ? null : forward(messages, query));
    }

    /** Reads forward until the first message at or after {@code start}, then pages from there. */
    private CompletableFuture<Found> startingAt(Page source, Query query, long after, int scanned) {
        return source.read(null, after, MAX_PAGE + 1).thenCompose(messages -> {
            if (messages == null) {
                return CompletableFuture.completedFuture(null);
            }
            List<ChatMessage> from = messages.stream().filter(message -> message.ts() >= query.start()).toList();
            boolean more = messages.size() > MAX_PAGE;
            if (!from.isEmpty() || !more || scanned + 1 >= MAX_SCAN) {
                long before = from.isEmpty() ? after : from.get(0).id() - 1;
                return source.read(null, before, query.max() + 1).thenApply(page -> page == null ? null
                        : forward(page, query));
            }
            return startingAt(source, query, messages.get(messages.size() - 1).id(), scanned + 1);
        });
    }

    private static Found forward(List<ChatMessage> messages, Query query) {
        List<ChatMessage> page = new ArrayList<>();
        boolean complete = messages.size() <= query.max();
        for (ChatMessage message : messages) {
            if (query.end() != null && message.ts() > query.end()) {
                complete = true;
                break;
            }
            if (page.size() == query.max()) {
                break;
            }
            if (query.start() == null || message.ts() >= query.start()) {
                page.add(message);
            }
        }
        return new Found(page, complete);
    }

    private static Found backward(List<ChatMessage> messages, Query query) {
        List<ChatMessage> page = new ArrayList<>();
        boolean complete = messages.size() <= query.max();
        for (int i = messages.size() - 1; i >= 0 && page.size() < query.max(); i--) {
            ChatMessage message = messages.get(i);
            if (query.start() != null && message.ts() < query.start()) {
                complete = true;
                break;
            }
            if (query.end() == null || message.ts() <= query.end()) {
                page.add(0, message);
            }
        }
        return new Found(page, complete);
    }

    private static Query read(XmlElement query) {
        Map<String, String> fields = new HashMap<>();
        query.child("x", XmppNamespaces.DATA_FORMS).ifPresent(form -> form.elements().forEach(field ->
                fields.put(String.valueOf(field.attribute("var")), field.child("value", XmppNamespaces.DATA_FORMS)
                        .map(XmlElement::text).map(String::trim).orElse(""))));
        Optional<XmlElement> set = query.child("set", XmppNamespaces.RSM);
        int max = set.flatMap(rsm -> rsm.child("max", XmppNamespaces.RSM)).map(XmlElement::text)
                .map(text -> number(text.trim(), "max")).map(Long::intValue).orElse(DEFAULT_PAGE);
        Optional<XmlElement> before = set.flatMap(rsm -> rsm.child("before", XmppNamespaces.RSM));
        String with = fields.get("with");
        return new Query(query.attribute("queryid"),
                with == null || with.isEmpty() ? null : with.toLowerCase(Locale.ROOT),
                time(fields.get("start")), time(fields.get("end")), Math.max(0, Math.min(MAX_PAGE, max)),
                set.flatMap(rsm -> rsm.child("after", XmppNamespaces.RSM)).map(XmlElement::text)
                        .map(text -> number(text.trim(), "after")).orElse(null),
                before.map(XmlElement::text).map(String::trim).filter(text -> !text.isEmpty())
                        .map(text -> number(text, "before")).orElse(null),
                before.isPresent());
    }

    private static Long number(String text, String what) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + what + "' is not an id of this archive: " + text);
        }
    }

    private static Long time(String stamp) {
        if (stamp == null || stamp.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(stamp).toEpochMilli();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a date (XEP-0082): " + stamp);
        }
    }

    /** An archived message as it was sent: from its sender's client or nickname, under its sender's own id. */
    private XmlElement result(LocalResource resource, Query query, ChatMessage message, String archive) {
        String id = Long.toString(message.id());
        boolean room = archive.endsWith("@" + service);
        String user = message.user().toLowerCase(Locale.ROOT);
        String sender = user + "@" + domain;
        String from = room ? archive + "/" + (message.sentAs() == null ? message.user() : message.sentAs())
                : message.sentAs() == null ? sender : sender + "/" + message.sentAs();
        XmlElement.Builder original = XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("type", room ? "groupchat" : "chat")
                .attribute("from", from)
                .attribute("to", room ? null : sender.equals(resource.bareJid()) ? peer(message, user)
                        : resource.bareJid())
                .attribute("id", message.clientId() == null ? id : message.clientId())
                .child("body", Namespaces.CLIENT, message.text());
        return XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("from", room ? archive : null).attribute("to", resource.jid())
                .child(XmlElement.builder("result", XmppNamespaces.MAM)
                        .attribute("queryid", query.queryId()).attribute("id", id)
                        .child(XmlElement.builder("forwarded", XmppNamespaces.FORWARD)
                                .child(XmlElement.builder("delay", XmppNamespaces.DELAY)
                                        .attribute("stamp", Instant.ofEpochMilli(message.ts()).toString()).build())
                                .child(original.build()).build())
                        .build())
                .build();
    }

    /** Whom the user sent a direct message to: the other user of its conversation. */
    private String peer(ChatMessage message, String user) {
        String peer = RoomNames.directUsers(message.room()).stream().filter(other -> !other.equals(user)).findFirst()
                .orElse(user);
        return peer + "@" + domain;
    }

    private static XmlElement fin(Found found) {
        XmlElement.Builder set = XmlElement.builder("set", XmppNamespaces.RSM);
        if (found.messages().isEmpty()) {
            set.child("count", XmppNamespaces.RSM, "0");
        } else {
            set.child("first", XmppNamespaces.RSM, Long.toString(found.messages().get(0).id()));
            set.child("last", XmppNamespaces.RSM, Long.toString(found.messages().get(found.messages().size() - 1)
                    .id()));
        }
        return XmlElement.builder("fin", XmppNamespaces.MAM).attribute("complete", found.complete() ? "true" : null)
                .child(set.build()).build();
    }

    /** The search form (XEP-0313 §5.1): the fields this archive understands. */
    private static XmlElement fields() {
        XmlElement.Builder form = XmlElement.builder("x", XmppNamespaces.DATA_FORMS).attribute("type", "form")
                .child(XmlElement.builder("field", XmppNamespaces.DATA_FORMS).attribute("type", "hidden")
                        .attribute("var", "FORM_TYPE").child("value", XmppNamespaces.DATA_FORMS, XmppNamespaces.MAM)
                        .build());
        for (String field : List.of("with", "start", "end")) {
            form.child(XmlElement.builder("field", XmppNamespaces.DATA_FORMS).attribute("var", field)
                    .attribute("type", field.equals("with") ? "jid-single" : "text-single").build());
        }
        return form.build();
    }
}
