package dev.chorus.xmppface;

import dev.chorus.xmpp.xml.XmlElement;

/** The sender's own id of a message, which a resend carries again: how the core knows a retry from a new message. */
final class ClientIds {
    /** The core's longest client id. */
    private static final int MAX = 64;

    private ClientIds() {
    }

    /** XEP-0359's origin-id, else the stanza's id; null when neither fits. */
    static String of(XmlElement message) {
        String id = message.child("origin-id", XmppNamespaces.STANZA_ID).map(origin -> origin.attribute("id"))
                .orElse(message.attribute("id"));
        return id == null || id.isEmpty() || id.length() > MAX ? null : id;
    }
}
