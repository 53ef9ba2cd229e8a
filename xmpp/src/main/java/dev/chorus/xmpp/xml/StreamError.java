package dev.chorus.xmpp.xml;

import java.util.Locale;

/** The stream error conditions of RFC 6120 §4.9.3 that a Chorus stream raises. */
public enum StreamError {
    /** Well-formed XML that is no XMPP: text between stanzas, a stream root that is not one. */
    BAD_FORMAT,
    /** The same resource bound by a newer stream, which wins. */
    CONFLICT,
    /** The stream stayed silent past its deadline, or did not answer a ping. */
    CONNECTION_TIMEOUT,
    /** The stream's {@code to} names a domain this server does not serve. */
    HOST_UNKNOWN,
    INTERNAL_SERVER_ERROR,
    /** A stanza's {@code from} is not the stream's own address. */
    INVALID_FROM,
    INVALID_NAMESPACE,
    /** A stanza sent before the stream was authenticated and bound. */
    NOT_AUTHORIZED,
    /** Not XML: broken syntax, bytes that are no UTF-8, an entity never declared. */
    NOT_WELL_FORMED,
    /** A stanza too large or too deep, too many attributes, too many attempts or stanzas. */
    POLICY_VIOLATION,
    /** The server cannot serve the stream now: too many streams, a store not answering. */
    RESOURCE_CONSTRAINT,
    /** What XMPP forbids in its XML: comments, processing instructions, DTDs, entity declarations. */
    RESTRICTED_XML,
    /** The node stops; the client reconnects, to another node behind the same name. */
    SYSTEM_SHUTDOWN,
    /** What no other condition says: a client acknowledging more stanzas than it was sent (XEP-0198). */
    UNDEFINED_CONDITION,
    /** A top-level element that is neither a stanza nor a negotiation this stream offers. */
    UNSUPPORTED_STANZA_TYPE,
    UNSUPPORTED_VERSION;

    /** The condition's element name, as RFC 6120 spells it. */
    public String condition() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
