package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** What recovery needs of a socket that went away: its ids, its rooms and its data. */
public record PersistedSession(String sid, String pid, Set<String> rooms, ObjectNode data) {
    public PersistedSession {
        rooms = Set.copyOf(rooms);
    }
}
