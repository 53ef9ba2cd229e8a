package dev.chorus.xmpp.stream;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions of this node that a client may resume on a new stream, by the id their {@code <enabled/>} gave, and
 * where they are recorded for the other nodes.
 */
public final class Resumptions {
    private final Map<String, XmppSession> sessions = new ConcurrentHashMap<>();
    private final ResumptionStore store;

    public Resumptions(ResumptionStore store) {
        this.store = store;
        store.onHandOver(this::handOver);
    }

    /** Another node asks for a session: it goes there; one this node no longer holds is released all the same. */
    private void handOver(String id) {
        XmppSession session = sessions.get(id);
        if (session != null) {
            session.handOver();
        } else {
            store.release(id);
        }
    }

    /**
     * Hands every resumable session over to the other nodes, this one stopping: their streams are dropped, for the
     * clients to resume them elsewhere.
     *
     * @return when they are all gone from this node
     */
    public CompletableFuture<Void> handOverAll() {
        if (!store.shared()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(sessions.values().stream().map(XmppSession::handOver)
                .toArray(CompletableFuture[]::new));
    }

    ResumptionStore store() {
        return store;
    }

    /** @return the session's new, unguessable resumption id */
    String register(XmppSession session) {
        String id = RandomIds.next(18);
        sessions.put(id, session);
        return id;
    }

    /** A session another node held, resumable here under the id it had there. */
    void adopt(String id, XmppSession session) {
        sessions.put(id, session);
    }

    /** @return the session, or null when this node holds none under the id */
    XmppSession find(String id) {
        return id == null ? null : sessions.get(id);
    }

    void remove(String id, XmppSession session) {
        sessions.remove(id, session);
    }
}
