package dev.chorus.xmpp.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The sessions of this node that a client may resume on a new stream, by the id their {@code <enabled/>} gave. */
public final class Resumptions {
    private final Map<String, XmppSession> sessions = new ConcurrentHashMap<>();

    /** @return the session's new, unguessable resumption id */
    String register(XmppSession session) {
        String id = RandomIds.next(18);
        sessions.put(id, session);
        return id;
    }

    /** @return the session, or null when there is none (never was, ended, or waited too long) */
    XmppSession find(String id) {
        return id == null ? null : sessions.get(id);
    }

    void remove(String id, XmppSession session) {
        sessions.remove(id, session);
    }
}
