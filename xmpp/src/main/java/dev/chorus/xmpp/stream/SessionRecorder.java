package dev.chorus.xmpp.stream;

import dev.chorus.xmpp.xml.XmlElement;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A resumable session's record beyond its node ({@link ResumptionStore}), kept as the session goes so that another
 * node can resume it when this one dies. A stanza reaches the client only once it is recorded, so the record holds
 * every stanza the client may lack; an acknowledgement is given only once the count it gives is recorded; otherwise
 * the count of stanzas received is recorded once it has settled, so that what they asked was under way before the
 * record says the client need not send them again. What changes in one turn of the session's executor is recorded
 * in one write. Used on the session's executor only.
 */
final class SessionRecorder {
    private static final Logger log = LoggerFactory.getLogger(SessionRecorder.class);
    /** XEP-0198 counts modulo 2^32. */
    private static final long COUNTER = 1L << 32;
    /**
     * How old a count of received stanzas must be to be recorded: long enough for what they asked of the cluster to
     * be under way first. A stanza counted later is sent again by a client resuming elsewhere, and a message the
     * cluster knows by its client's id is not stored twice.
     */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** What the recorder needs of its session. */
    interface Session {
        /** The stream carrying the session now; null while it waits to be resumed. */
        XmppStream stream();

        /** What the application keeps of the resource, for the record. */
        String state();

        /** Another node took the session over: the record is no longer this node's. */
        void takenOver();

        /** Runs on the session's executor. */
        void onThread(Runnable task);
    }

    private final ResumptionRecord record;
    private final Session session;
    private final EventExecutor executor;
    private final String jid;
    /** Sent since the last write. */
    private final List<XmlElement> unrecorded = new ArrayList<>();
    /** Sent, and acknowledgements given, waiting for the record before the stream gets them. */
    private final List<XmlElement> unwritten = new ArrayList<>();
    /** The writes under way, oldest first. */
    private final Deque<Write> writing = new ArrayDeque<>();
    /** Counts waiting to settle, oldest first: each is recorded once it is {@link #SETTLE_NANOS} old. */
    private final Deque<Long> settling = new ArrayDeque<>();
    private long acknowledged;
    private long recordedReceived;
    /** The count of stanzas received the record holds. */
    private long writtenReceived;
    private boolean stateChanged;
    private boolean writeScheduled;
    private boolean stopped;

    /** @param received the count of stanzas received that the record holds already */
    SessionRecorder(ResumptionRecord record, Session session, EventExecutor executor, String jid, long received) {
        this.record = record;
        this.session = session;
        this.executor = executor;
        this.jid = jid;
        this.recordedReceived = received;
        this.writtenReceived = received;
    }

    /** A stanza for the client: recorded, then written to the stream carrying the session now, if any. */
    void sent(XmlElement stanza) {
        unrecorded.add(stanza);
        if (session.stream() != null) {
            unwritten.add(stanza);
        }
        scheduleWrite();
    }

    /** The client acknowledged this many of the oldest stanzas it had not. */
    void acknowledged(long count) {
        acknowledged += count;
        scheduleWrite();
    }

    /** The count of stanzas received, recorded once it has settled. */
    void received(long count) {
        boolean first = settling.isEmpty();
        settling.addLast(count);
        if (first) {
            executor.schedule(this::settled, SETTLE_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    private void settled() {
        Long count = settling.pollFirst();
        if (stopped || count == null) {
            return;
        }
        // Younger counts wait one more settling time, as the newest of them: by then it is old enough.
        if (!settling.isEmpty()) {
            long next = settling.pollLast();
            settling.clear();
            settling.addLast(next);
            executor.schedule(this::settled, SETTLE_NANOS, TimeUnit.NANOSECONDS);
        }
        recordedReceived = Math.max(recordedReceived, count);
        scheduleWrite();
    }

    void stateChanged() {
        stateChanged = true;
        scheduleWrite();
    }

    /**
     * Gives the client {@code answer} to its {@code <r/>}, which counts {@code received}: the client forgets what
     * it acknowledges, so the count is recorded first, settled or not.
     */
    void acknowledge(XmlElement answer, long received) {
        recordedReceived = Math.max(recordedReceived, received);
        if (session.stream() != null) {
            unwritten.add(answer);
        }
        write();
    }

    /** The session moved to a new stream, which gets with its {@code <resumed/>} all that is unacknowledged. */
    void streamReplaced() {
        unwritten.clear();
    }

    private void scheduleWrite() {
        if (!writeScheduled) {
            writeScheduled = true;
            executor.execute(this::write);
        }
    }

    /**
     * Records what changed, in one step; what was sent meanwhile goes to the stream once recorded, unless the session
     * moved to another stream (which got it with its {@code <resumed/>}) or another node took it over.
     */
    void write() {
        writeScheduled = false;
        boolean unchanged = unrecorded.isEmpty() && unwritten.isEmpty() && acknowledged == 0 && !stateChanged
                && recordedReceived == writtenReceived;
        if (stopped || unchanged) {
            return;
        }
        writtenReceived = recordedReceived;
        List<String> sent = new ArrayList<>(unrecorded.size());
        unrecorded.forEach(stanza -> sent.add(stanza.toXml(null)));
        unrecorded.clear();
        String state = stateChanged ? session.state() : null;
        stateChanged = false;
        ResumptionRecord.Change change = new ResumptionRecord.Change(sent, acknowledged,
                recordedReceived % COUNTER, state);
        acknowledged = 0;
        Write write = new Write(List.copyOf(unwritten), session.stream());
        unwritten.clear();
        writing.addLast(write);
        record.write(change).whenComplete((kept, error) -> session.onThread(() -> {
            if (stopped) {
                return;
            }
            if (error != null) {
                log.warn("the record of XMPP session {} was not written: another node could not resume it", jid,
                        error);
            } else if (!kept) {
                session.takenOver();
                return;
            }
            write.done = true;
            writeDone();
        }));
    }

    /**
     * What the writes done hold goes to the stream in the order it was sent, whichever write was done first: one
     * answered before its callback was in place runs ahead of an earlier one.
     */
    private void writeDone() {
        while (!writing.isEmpty() && writing.peekFirst().done) {
            Write write = writing.pollFirst();
            XmppStream stream = session.stream();
            if (stream == write.to && stream != null) {
                write.stanzas.forEach(stream::write);
            }
        }
    }

    /** Writes what changed a last time; from then on nothing is recorded or sent here. */
    void lastWrite() {
        write();
        stop();
    }

    /** Nothing more is recorded: the record is another node's, or deleted. */
    void stop() {
        stopped = true;
        unrecorded.clear();
        unwritten.clear();
        writing.clear();
        settling.clear();
    }

    /** The session ended: nothing is left to resume. */
    void delete() {
        stop();
        record.delete();
    }

    /** A write under way, and what the stream gets once it is done. */
    private static final class Write {
        private final List<XmlElement> stanzas;
        /** The stream when the write began: one that replaced it got these with its {@code <resumed/>}. */
        private final XmppStream to;
        private boolean done;

        Write(List<XmlElement> stanzas, XmppStream to) {
            this.stanzas = stanzas;
            this.to = to;
        }
    }
}
