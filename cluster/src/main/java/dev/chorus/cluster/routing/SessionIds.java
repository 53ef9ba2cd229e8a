package dev.chorus.cluster.routing;

import dev.chorus.engine.eio.Ids;

/**
 * Engine.IO session ids that tell which node holds the session: the node id, then an unguessable part. Any node
 * can then send a request for the session to its holder without asking anyone.
 */
public final class SessionIds {
    private final String nodeId;

    public SessionIds(String nodeId) {
        this.nodeId = nodeId;
    }

    public String next() {
        return nodeId + Ids.newId();
    }

    /** @return the id of the node holding the session, or null when the id is not one of ours */
    public String holderOf(String sid) {
        return sid.length() == nodeId.length() + 20 ? sid.substring(0, nodeId.length()) : null;
    }
}
