package dev.chorus.xmpp.stream;

/** The XML namespaces of XMPP's core (RFC 6120) and of the framings. */
public final class Namespaces {
    public static final String CLIENT = "jabber:client";
    public static final String STREAMS = "http://etherx.jabber.org/streams";
    public static final String STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams";
    public static final String STANZA_ERRORS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public static final String TLS = "urn:ietf:params:xml:ns:xmpp-tls";
    public static final String SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static final String BIND = "urn:ietf:params:xml:ns:xmpp-bind";
    /** RFC 3921's session establishment, which clients still send and servers acknowledge (RFC 6121 has none). */
    public static final String SESSION = "urn:ietf:params:xml:ns:xmpp-session";
    /** RFC 7395: the WebSocket framing's {@code <open/>} and {@code <close/>}. */
    public static final String FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";
    /** XEP-0198: stream management. */
    public static final String SM = "urn:xmpp:sm:3";
    /** XEP-0199. */
    public static final String PING = "urn:xmpp:ping";

    private Namespaces() {
    }
}
