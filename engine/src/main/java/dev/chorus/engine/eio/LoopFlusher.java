package dev.chorus.engine.eio;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends what the sessions of one event loop queued, once the loop is through the tasks already waiting: a session
 * given several frames meanwhile — the broadcasts of one read from the cluster, an ack and an event — writes them to
 * its socket in one go rather than one system call each. A busy session's frames wait for the next beat instead
 * ({@link EngineOptions#busyWriteDelay()}): one timer a beat for all of the loop's busy sessions. Confined to its
 * loop.
 */
final class LoopFlusher implements Runnable {
    private final EventLoop loop;
    private final long beatNanos;
    private final Waiting due = new Waiting();
    private final Waiting nextBeat = new Waiting();
    private boolean scheduled;
    private boolean beatScheduled;

    LoopFlusher(EventLoop loop, Duration busyWriteDelay) {
        this.loop = loop;
        this.beatNanos = busyWriteDelay.toNanos();
    }

    /** Flushes the session soon; called once per session until then (the session keeps count). */
    void add(EngineSession session) {
        due.add(session);
        if (!scheduled) {
            scheduled = true;
            loop.execute(this);
        }
    }

    /** Flushes a busy session at the next beat; called once per session until then, like {@link #add}. */
    void addAtBeat(EngineSession session) {
        nextBeat.add(session);
        if (!beatScheduled) {
            beatScheduled = true;
            loop.schedule(this::beat, beatNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        due.flushAll();
    }

    private void beat() {
        beatScheduled = false;
        nextBeat.flushAll();
    }

    /** Sessions waiting for one kind of flush; those added while it runs wait for the next. */
    private static final class Waiting {
        private List<EngineSession> sessions = new ArrayList<>();
        private List<EngineSession> spare = new ArrayList<>();

        void add(EngineSession session) {
            sessions.add(session);
        }

        void flushAll() {
            List<EngineSession> now = sessions;
            sessions = spare;
            spare = now;
            for (EngineSession session : now) {
                session.flushQueued();
            }
            now.clear();
        }
    }
}
