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

    /**
     * The session moved to another node, where the resource lives on: what it held here is given back without
     * anyone told it went.
     */
    default void moved() {
        closed();
    }

    /**
     * What another node needs to {@link ResourceBinder#restore restore} the resource, should this one die while
     * its session may be resumed; asked for after {@link XmppClient#stateChanged}.
     */
    default String state() {
        return null;
    }

    /**
     * The session was resumed on a new stream, which got {@code <resumed/>} and the stanzas the client had not
     * acknowledged: what else it missed may follow.
     */
    default void resumed() {
    }
}
