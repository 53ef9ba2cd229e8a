package dev.chorus.engine.eio;

import java.util.List;

/** How a session's packets travel. All methods run on the session's loop. */
abstract class Transport {
    final EngineSession session;

    Transport(EngineSession session) {
        this.session = session;
    }

    abstract TransportName name();

    /** Whether {@link #write} may be called now: polling needs a waiting GET, WebSocket an open channel. */
    abstract boolean writable();

    /** Sends frames; takes ownership of them. */
    abstract void write(List<Frame> frames);

    /**
     * Ends the transport. {@code closePacket} says whether the client should get a close packet first (a server
     * close) rather than the quiet end after a client's own close.
     */
    abstract void close(boolean closePacket);

    /** Bytes written and not sent yet: what a client that does not read leaves on the node. */
    long pendingBytes() {
        return 0;
    }

    /** Ends the transport at once, dropping what it has not written: its client stopped reading. */
    void abort() {
        close(true);
    }
}
