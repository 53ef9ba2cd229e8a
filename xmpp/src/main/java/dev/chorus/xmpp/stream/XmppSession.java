package dev.chorus.xmpp.stream;

import dev.chorus.xmpp.xml.StreamError;
import dev.chorus.xmpp.xml.XmlElement;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound resource as the application holds it, which may outlive the stream that bound it. With stream management
 * (XEP-0198) it counts the stanzas each way, keeps those the client has not acknowledged, and when the connection
 * is lost it waits a while, the resource still bound, for the client to resume it on a new stream: the stanzas sent
 * meanwhile, and those the old connection lost, then reach it. Its state lives on the executor of the stream that
 * bound it, whichever stream carries it later.
 */
public final class XmppSession implements XmppClient {
    private static final Logger log = LoggerFactory.getLogger(XmppSession.class);
    /** XEP-0198 counts modulo 2^32. */
    private static final long COUNTER = 1L << 32;
    /** The server asks for an acknowledgement this long after the first stanza it is still owed one for. */
    private static final Duration ACK_REQUEST_DELAY = Duration.ofSeconds(1);

    private final EventExecutor executor;
    private final StreamSettings settings;
    private final Resumptions resumptions;
    private volatile String jid;
    private String username;
    private StanzaHandler handler;
    /** The stream carrying the session; null while it waits to be resumed. */
    private XmppStream stream;
    private boolean managed;
    private String resumptionId;
    /** Stanzas received from the client since management began (its {@code h}). */
    private long received;
    /** Stanzas sent to the client since management began. */
    private long sent;
    /** Sent and not acknowledged yet, oldest first: the last {@code unacked.size()} of {@link #sent}. */
    private final Deque<XmlElement> unacked = new ArrayDeque<>();
    private boolean ackRequested;
    private ScheduledFuture<?> ackRequest;
    private ScheduledFuture<?> expiry;
    private boolean ended;

    /** @param stream the stream binding the session's resource, which carries it from the start */
    XmppSession(XmppStream stream, EventExecutor executor, StreamSettings settings, Resumptions resumptions) {
        this.stream = stream;
        this.executor = executor;
        this.settings = settings;
        this.resumptions = resumptions;
    }

    /** The resource is bound. */
    void bound(String username, String jid, StanzaHandler handler) {
        this.username = username;
        this.jid = jid;
        this.handler = handler;
    }

    @Override
    public String jid() {
        return jid;
    }

    String username() {
        return username;
    }

    @Override
    public EventExecutor executor() {
        return executor;
    }

    @Override
    public void send(XmlElement stanza) {
        onThread(() -> deliver(stanza));
    }

    @Override
    public void end(StreamError error, String text) {
        onThread(() -> {
            if (stream != null) {
                stream.end(error, text);
            } else {
                finish("ended while detached: " + error.condition());
            }
        });
    }

    /** A stanza for the client, counted and kept until acknowledged when managed. On the session's executor. */
    void deliver(XmlElement stanza) {
        if (ended) {
            return;
        }
        if (managed) {
            sent = (sent + 1) % COUNTER;
            unacked.addLast(stanza);
            if (unacked.size() > settings.maxUnacked()) {
                if (stream != null) {
                    stream.end(StreamError.POLICY_VIOLATION, "over " + settings.maxUnacked()
                            + " stanzas not acknowledged");
                } else {
                    finish("over " + settings.maxUnacked() + " stanzas waiting for the client to come back");
                }
                return;
            }
            scheduleAckRequest();
        }
        if (stream != null) {
            stream.write(stanza);
        }
    }

    /** A stanza from the client, stamped with its sender, for the application. On the session's executor. */
    boolean received(XmlElement stanza) {
        return !ended && handler.handle(stanza);
    }

    /** Counts a stanza from the client, whoever answers it: the {@code h} of XEP-0198. */
    void counted() {
        if (managed) {
            received = (received + 1) % COUNTER;
        }
    }

    /**
     * Management begins ({@code <enable/>}).
     *
     * @param resumable whether the client asked to resume the session on a new stream
     * @return the {@code <enabled/>} answer
     */
    XmlElement enable(boolean resumable) {
        managed = true;
        XmlElement.Builder enabled = XmlElement.builder("enabled", Namespaces.SM);
        if (resumable) {
            resumptionId = resumptions.register(this);
            enabled.attribute("id", resumptionId).attribute("resume", "true")
                    .attribute("max", Long.toString(settings.resumeWindow().toSeconds()));
        }
        return enabled.build();
    }

    boolean managed() {
        return managed;
    }

    /** The client's {@code <a h=''/>}. @return false when it acknowledges more than was sent */
    boolean acknowledged(long h) {
        long count = (h - (sent - unacked.size()) + COUNTER) % COUNTER;
        if (count > unacked.size()) {
            return false;
        }
        for (long i = 0; i < count; i++) {
            unacked.removeFirst();
        }
        ackRequested = false;
        if (unacked.isEmpty() && ackRequest != null) {
            ackRequest.cancel(false);
            ackRequest = null;
        } else if (!unacked.isEmpty()) {
            scheduleAckRequest();
        }
        return true;
    }

    /** The answer to the client's {@code <r/>}. */
    XmlElement acknowledgement() {
        return XmlElement.builder("a", Namespaces.SM).attribute("h", Long.toString(received)).build();
    }

    long sent() {
        return sent;
    }

    private void scheduleAckRequest() {
        if (ackRequest == null && !ackRequested && stream != null) {
            ackRequest = executor.schedule(() -> {
                ackRequest = null;
                if (!unacked.isEmpty() && stream != null && !ackRequested) {
                    ackRequested = true;
                    stream.write(XmlElement.empty("r", Namespaces.SM));
                }
            }, ACK_REQUEST_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The stream carrying the session is gone without closing it: a session the client may resume waits for it
     * (its resource still bound); any other ends.
     */
    void detach(XmppStream from) {
        if (ended || stream != from) {
            return;
        }
        stream = null;
        ackRequested = false;
        if (resumptionId == null) {
            finish(null);
            return;
        }
        log.debug("{} waits {} s to be resumed", jid, settings.resumeWindow().toSeconds());
        expiry = executor.schedule(() -> finish("not resumed within " + settings.resumeWindow().toSeconds() + " s"),
                settings.resumeWindow().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The session ends with its stream: the client closed it, or it was ended for a reason that rules out resuming. */
    void close(XmppStream from) {
        if (stream == from) {
            stream = null;
            finish(null);
        }
    }

    /**
     * A new stream of the same user resumes the session ({@code <resume/>}, XEP-0198 §5): the stream carrying it
     * until now, if any, is dropped; the stanzas the client did not get are sent again on the new one.
     *
     * @param h what the client says it received
     * @return the {@code <resumed/>} answer, followed on the stream by what the client missed; null when {@code h}
     *         acknowledges more than was sent
     */
    List<XmlElement> resume(XmppStream to, long h) {
        if (!acknowledged(h)) {
            return null;
        }
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        XmppStream previous = stream;
        stream = to;
        if (previous != null) {
            previous.replaced();
        }
        List<XmlElement> missed = List.copyOf(unacked);
        if (!missed.isEmpty()) {
            scheduleAckRequest();
        }
        log.debug("{} resumed from {}, {} stanzas sent again", jid, to.client(), missed.size());
        return missed;
    }

    /** The {@code <resumed/>} answer. */
    XmlElement resumed() {
        return XmlElement.builder("resumed", Namespaces.SM).attribute("previd", resumptionId)
                .attribute("h", Long.toString(received)).build();
    }

    boolean ended() {
        return ended;
    }

    private void finish(String why) {
        if (ended) {
            return;
        }
        ended = true;
        if (why != null) {
            log.info("XMPP session {} ended: {}", jid, why);
        }
        if (resumptionId != null) {
            resumptions.remove(resumptionId, this);
        }
        if (expiry != null) {
            expiry.cancel(false);
        }
        if (ackRequest != null) {
            ackRequest.cancel(false);
        }
        unacked.clear();
        if (handler != null) {
            handler.closed();
        }
    }

    void onThread(Runnable task) {
        if (executor.inEventLoop()) {
            task.run();
        } else {
            executor.execute(task);
        }
    }
}
