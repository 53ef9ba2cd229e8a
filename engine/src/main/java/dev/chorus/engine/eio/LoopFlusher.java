package dev.chorus.engine.eio;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends what the sessions of one event loop queued, once the loop is through the tasks already waiting: a session
 * given several frames meanwhile — the broadcasts of one read from the cluster, an ack and an event — writes them to
 * its socket in one go rather than one system call each. Confined to its loop.
 */
final class LoopFlusher implements Runnable {
    private final EventLoop loop;
    private List<EngineSession> due = new ArrayList<>();
    private List<EngineSession> spare = new ArrayList<>();
    private boolean scheduled;

    LoopFlusher(EventLoop loop) {
        this.loop = loop;
    }

    /** Flushes the session soon; called once per session until then (the session keeps count). */
    void add(EngineSession session) {
        due.add(session);
        if (!scheduled) {
            scheduled = true;
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        List<EngineSession> sessions = due;
        due = spare;
        spare = sessions;
        for (EngineSession session : sessions) {
            session.flushQueued();
        }
        sessions.clear();
    }
}
