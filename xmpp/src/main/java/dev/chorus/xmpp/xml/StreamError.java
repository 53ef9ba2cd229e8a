package dev.chorus.xmpp.xml;

import java.util.Locale;

/** The stream error conditions of RFC 6120 §4.9.3 that the stream layer raises. */
public enum StreamError {
    /** Well-formed XML that is no XMPP: text between stanzas, a stream root that is not one. */
    BAD_FORMAT,
    INVALID_NAMESPACE,
    /** Not XML: broken syntax, bytes that are no UTF-8, an entity never declared. */
    NOT_WELL_FORMED,
    /** A stanza too large or too deep, too many attributes. */
    POLICY_VIOLATION,
    /** What XMPP forbids in its XML: comments, processing instructions, DTDs, entity declarations. */
    RESTRICTED_XML;

    /** The condition's element name, as RFC 6120 spells it. */
    public String condition() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
