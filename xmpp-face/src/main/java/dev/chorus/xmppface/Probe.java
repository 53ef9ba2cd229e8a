package dev.chorus.xmppface;

import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.xml.XmlElement;

/**
 * A server's question to the nodes where a user is connected (RFC 6121 §4.3): send {@code asker} the presence of
 * each of the user's available resources — or, when {@code leaving}, their unavailable presence, as a subscription
 * ends. It travels between nodes like a stanza and is never given to a client.
 *
 * @param of     the user asked about
 * @param asker  the address the answers go to: a resource, or every available resource of a user
 * @param leaving whether the answers are {@code unavailable}
 */
record Probe(String of, String asker, boolean leaving) {
    private static final String LEAVING = "chorus-leaving";

    static boolean is(XmlElement stanza) {
        return stanza.name().equals("presence") && "probe".equals(stanza.attribute("type"));
    }

    static Probe read(XmlElement stanza) {
        String to = stanza.attribute("to");
        return new Probe(to.substring(0, to.indexOf('@')), stanza.attribute("from"),
                stanza.attribute(LEAVING) != null);
    }

    /** @param domain the domain of the user asked about */
    XmlElement toStanza(String domain) {
        return XmlElement.builder("presence", Namespaces.CLIENT).attribute("type", "probe")
                .attribute("from", asker).attribute("to", of + "@" + domain)
                .attribute(LEAVING, leaving ? "true" : null).build();
    }
}
