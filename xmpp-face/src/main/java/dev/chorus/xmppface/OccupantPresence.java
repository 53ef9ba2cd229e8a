package dev.chorus.xmppface;

import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.xml.XmlElement;

/** An occupant's presence as a room sends it (XEP-0045 §7.2), to the others and to the occupant itself. */
final class OccupantPresence {
    /** The occupant's own presence. */
    private static final int SELF = 110;
    /** Everyone in the room sees who is behind each nickname. */
    private static final int NON_ANONYMOUS = 100;
    /** The room's messages are kept: every room's are, in its history. */
    private static final int LOGGED = 170;
    private static final int CREATED = 201;
    private static final int NEW_NICK = 303;

    private OccupantPresence() {
    }

    /**
     * An occupant's presence for another: their address shown when the room shows it to everyone, or the viewer
     * moderates it.
     *
     * @param viewerRole the role of whom it is for
     */
    static XmlElement of(RoomNews news, String from, String to, String viewerRole) {
        boolean showJid = !news.anonymous() || "moderator".equals(viewerRole);
        XmlElement.Builder x = XmlElement.builder("x", XmppNamespaces.MUC_USER)
                .child(item(news, showJid ? news.jid() : null));
        if (news.newNick() != null) {
            x.child(status(NEW_NICK));
        }
        return presence(news, from, to, x);
    }

    /** The occupant's own presence, with the statuses a join, a change of nickname or a leave gets. */
    static XmlElement self(RoomNews news, String from, boolean created) {
        XmlElement.Builder x = XmlElement.builder("x", XmppNamespaces.MUC_USER).child(item(news, news.jid()));
        if (news.available() && news.newNick() == null) {
            if (!news.anonymous()) {
                x.child(status(NON_ANONYMOUS));
            }
            x.child(status(LOGGED));
        }
        if (news.newNick() != null) {
            x.child(status(NEW_NICK));
        }
        x.child(status(SELF));
        if (created) {
            x.child(status(CREATED));
        }
        return presence(news, from, news.jid(), x);
    }

    /** The presence that tells an occupant the room is gone (XEP-0045 §10.9). */
    static XmlElement destroyed(String from, String to) {
        return XmlElement.builder("presence", Namespaces.CLIENT)
                .attribute("type", "unavailable").attribute("from", from).attribute("to", to)
                .child(XmlElement.builder("x", XmppNamespaces.MUC_USER)
                        .child(XmlElement.builder("item", XmppNamespaces.MUC_USER)
                                .attribute("affiliation", "none").attribute("role", "none").build())
                        .child(XmlElement.empty("destroy", XmppNamespaces.MUC_USER))
                        .child(status(SELF)).build())
                .build();
    }

    private static XmlElement presence(RoomNews news, String from, String to, XmlElement.Builder x) {
        return XmlElement.builder("presence", Namespaces.CLIENT)
                .attribute("type", news.available() ? null : "unavailable")
                .attribute("from", from).attribute("to", to).child(x.build()).build();
    }

    private static XmlElement item(RoomNews news, String jid) {
        return XmlElement.builder("item", XmppNamespaces.MUC_USER)
                .attribute("affiliation", news.affiliation() == null ? "none" : news.affiliation())
                .attribute("role", news.role()).attribute("jid", jid).attribute("nick", news.newNick()).build();
    }

    private static XmlElement status(int code) {
        return XmlElement.builder("status", XmppNamespaces.MUC_USER).attribute("code", Integer.toString(code))
                .build();
    }
}
