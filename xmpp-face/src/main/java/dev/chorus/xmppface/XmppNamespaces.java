package dev.chorus.xmppface;

/** The namespaces of the XEPs the face speaks. */
final class XmppNamespaces {
    /** XEP-0359: the id the archive gave a message. */
    static final String STANZA_ID = "urn:xmpp:sid:0";
    /** XEP-0280. */
    static final String CARBONS = "urn:xmpp:carbons:2";
    /** XEP-0297. */
    static final String FORWARD = "urn:xmpp:forward:0";

    private XmppNamespaces() {
    }
}
