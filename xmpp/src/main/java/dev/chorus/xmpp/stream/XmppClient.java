package dev.chorus.xmpp.stream;

import dev.chorus.xmpp.xml.StreamError;
import dev.chorus.xmpp.xml.XmlElement;
import io.netty.util.concurrent.EventExecutor;

/** A bound stream as the application sees it: its address, and what can be said to it. */
public interface XmppClient {
    /** The full address: {@code user@domain/resource}. Null until bound. */
    String jid();

    /** Sends a stanza to the client; from any thread. */
    void send(XmlElement stanza);

    /**
     * What the application keeps of the resource changed ({@link StanzaHandler#state}): the session's record beyond
     * this node is to be rewritten. From the stream's thread.
     */
    void stateChanged();

    /** Ends the stream with a stream error (RFC 6120 §4.9); from any thread. */
    void end(StreamError error, String text);

    /** The thread the stream is served on. */
    EventExecutor executor();
}
