package dev.chorus.xmppface;

import dev.chorus.core.room.RoomSettings;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A room's settings as XEP-0045's configuration form ({@code muc#roomconfig}, §10.2), and a submitted form read. */
final class RoomForm {
    private static final String FORM_TYPE = "http://jabber.org/protocol/muc#roomconfig";
    private static final String PREFIX = "muc#roomconfig_";
    private static final List<String> MAX_USERS = List.of("10", "20", "30", "50", "100", "none");

    private RoomForm() {
    }

    static XmlElement of(RoomSettings settings, String room) {
        XmlElement.Builder form = XmlElement.builder("x", XmppNamespaces.DATA_FORMS).attribute("type", "form")
                .child("title", XmppNamespaces.DATA_FORMS, "Configuration of room " + room)
                .child(field("FORM_TYPE", "hidden", null, FORM_TYPE));
        form.child(field(PREFIX + "roomname", "text-single", "Name", settings.name()));
        form.child(field(PREFIX + "roomdesc", "text-single", "Description", settings.description()));
        form.child(field(PREFIX + "changesubject", "boolean", "Anyone may change the subject",
                flag(settings.anyoneSubject())));
        form.child(field(PREFIX + "publicroom", "boolean", "Listed in the rooms", flag(settings.listed())));
        form.child(field(PREFIX + "persistentroom", "boolean", "Kept when empty (every room is)", flag(true)));
        form.child(field(PREFIX + "moderatedroom", "boolean", "Only members speak", flag(settings.moderated())));
        form.child(field(PREFIX + "membersonly", "boolean", "Open to members only", flag(settings.membersOnly())));
        form.child(field(PREFIX + "passwordprotectedroom", "boolean", "Needs a password",
                flag(settings.password() != null)));
        form.child(field(PREFIX + "roomsecret", "text-private", "Password", settings.password()));
        form.child(options(field(PREFIX + "whois", "list-single", "Who sees the addresses behind nicknames",
                settings.anonymous() ? "moderators" : "anyone"), List.of("moderators", "anyone")));
        form.child(options(field(PREFIX + "maxusers", "list-single", "Most occupants at once",
                settings.maxUsers() == 0 ? "none" : Integer.toString(settings.maxUsers())), MAX_USERS));
        form.child(field(PREFIX + "enablelogging", "boolean", "History kept (every room's is)", flag(true)));
        return form.build();
    }

    /**
     * The settings with a submitted form's answers applied; an empty submission (an instant room) changes nothing.
     *
     * @return empty when the form asks for what cannot be had
     */
    static Optional<RoomSettings> apply(RoomSettings settings, XmlElement form) {
        Map<String, List<String>> answers = new HashMap<>();
        for (XmlElement field : form.elements()) {
            if (field.is("field", XmppNamespaces.DATA_FORMS) && field.attribute("var") != null) {
                answers.put(field.attribute("var"), field.elements().stream()
                        .filter(value -> value.is("value", XmppNamespaces.DATA_FORMS)).map(XmlElement::text)
                        .toList());
            }
        }
        if (answers.containsKey(PREFIX + "enablelogging") && !isTrue(answers, "enablelogging", true)) {
            return Optional.empty();
        }
        boolean protectedRoom = isTrue(answers, "passwordprotectedroom", settings.password() != null);
        String secret = text(answers, "roomsecret", settings.password());
        String password = protectedRoom && secret != null && !secret.isEmpty() ? secret : null;
        String whois = text(answers, "whois", settings.anonymous() ? "moderators" : "anyone");
        return Optional.of(new RoomSettings(text(answers, "roomname", settings.name()),
                text(answers, "roomdesc", settings.description()), settings.subject(), settings.subjectBy(), password,
                isTrue(answers, "membersonly", settings.membersOnly()),
                isTrue(answers, "moderatedroom", settings.moderated()), "moderators".equals(whois),
                isTrue(answers, "publicroom", settings.listed()),
                maxUsers(text(answers, "maxusers", Integer.toString(settings.maxUsers()))),
                isTrue(answers, "changesubject", settings.anyoneSubject()), settings.lockedUntil(),
                settings.affiliations()));
    }

    private static int maxUsers(String value) {
        try {
            return Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String text(Map<String, List<String>> answers, String name, String otherwise) {
        List<String> values = answers.get(PREFIX + name);
        if (values == null) {
            return otherwise;
        }
        return values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static boolean isTrue(Map<String, List<String>> answers, String name, boolean otherwise) {
        List<String> values = answers.get(PREFIX + name);
        if (values == null || values.isEmpty()) {
            return otherwise;
        }
        return "1".equals(values.get(0)) || "true".equals(values.get(0));
    }

    private static String flag(boolean value) {
        return value ? "1" : "0";
    }

    private static XmlElement field(String name, String type, String label, String value) {
        XmlElement.Builder field = XmlElement.builder("field", XmppNamespaces.DATA_FORMS)
                .attribute("var", name).attribute("type", type).attribute("label", label);
        if (value != null) {
            field.child("value", XmppNamespaces.DATA_FORMS, value);
        }
        return field.build();
    }

    private static XmlElement options(XmlElement field, List<String> values) {
        XmlElement.Builder withOptions = XmlElement.builder(field.name(), field.namespace());
        field.attributes().forEach(withOptions::attribute);
        field.elements().forEach(withOptions::child);
        for (String value : values) {
            withOptions.child(XmlElement.builder("option", XmppNamespaces.DATA_FORMS)
                    .child("value", XmppNamespaces.DATA_FORMS, value).build());
        }
        return withOptions.build();
    }
}
