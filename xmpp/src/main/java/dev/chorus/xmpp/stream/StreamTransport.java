package dev.chorus.xmpp.stream;

import dev.chorus.xmpp.xml.XmlElement;
import io.netty.util.concurrent.EventExecutor;

/**
 * A framing of XMPP streams (TCP, WebSocket, BOSH next): how the stream's words are written on it. The
 * {@link XmppStream} above decides what to say; a transport only knows how.
 */
public interface StreamTransport {
    /** Writes the server's stream header, answering the client's. */
    void open(String streamId, String domain);

    /** Writes one top-level element: a stanza, or a stream-level element such as features. */
    void send(XmlElement element);

    /** Writes the stream's end (the error first, when not null) and closes the connection once it is written. */
    void close(XmlElement error);

    /**
     * Closes the connection without the stream's end, as a lost connection is: its client comes back, to this node
     * or another, and resumes its session.
     */
    void drop();

    /** Whether no one can read along: TLS, or a connection that never leaves this machine. */
    boolean isProtected();

    /** Whether STARTTLS may be offered: a TCP connection with a certificate and no TLS yet. */
    boolean canStartTls();

    /** Writes {@code proceed} in the clear and turns TLS on; the client then opens a fresh stream. */
    void startTls(XmlElement proceed);

    /** Writes SASL's {@code success}; after it the client opens a fresh stream on this connection (RFC 6120 §6.4.6). */
    void restartAfter(XmlElement success);

    /** The thread every event of this stream is handled on, and its timers. */
    EventExecutor executor();

    /** The client's address, as trusted proxies tell it, for limits and logs. */
    String client();
}
