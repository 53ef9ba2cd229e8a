package dev.chorus.xmpp.stream;

import dev.chorus.xmpp.xml.XmlElement;

/** What the application does with a bound stream's stanzas. Called on the stream's thread. */
public interface StanzaHandler {
    /**
     * A stanza from the client, its {@code from} set to the stream's full address.
     *
     * @return false when nothing here handles it: an IQ request is then answered {@code service-unavailable}
     */
    boolean handle(XmlElement stanza);

    /** The stream ended, however: what the resource held is given back. */
    void closed();
}
