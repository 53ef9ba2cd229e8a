package dev.chorus.xmppface;

/** The namespaces of the XEPs the face speaks. */
final class XmppNamespaces {
    /** XEP-0359: the id the archive gave a message. */
    static final String STANZA_ID = "urn:xmpp:sid:0";
    /** XEP-0280. */
    static final String CARBONS = "urn:xmpp:carbons:2";
    /** XEP-0297. */
    static final String FORWARD = "urn:xmpp:forward:0";
    /** XEP-0045. */
    static final String MUC = "http://jabber.org/protocol/muc";
    static final String MUC_USER = MUC + "#user";
    static final String MUC_OWNER = MUC + "#owner";
    /** XEP-0203. */
    static final String DELAY = "urn:xmpp:delay";
    /** XEP-0085. */
    static final String CHAT_STATES = "http://jabber.org/protocol/chatstates";
    /** XEP-0030. */
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    static final String DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
    /** XEP-0313. */
    static final String MAM = "urn:xmpp:mam:2";
    /** XEP-0059. */
    static final String RSM = "http://jabber.org/protocol/rsm";
    /** XEP-0004. */
    static final String DATA_FORMS = "jabber:x:data";

    private XmppNamespaces() {
    }
}
