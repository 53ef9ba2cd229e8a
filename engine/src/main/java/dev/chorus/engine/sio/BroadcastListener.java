package dev.chorus.engine.sio;

import java.util.Set;

/**
 * Told of every broadcast this node applies, whichever node sent it and whether or not a socket of this node is
 * among its recipients: how something other than a socket (another protocol's connections) hears what the cluster
 * broadcasts. Called on the delivering thread, before the sockets get it; must not block.
 */
@FunctionalInterface
public interface BroadcastListener {
    /** @param rooms the rooms the broadcast goes to; empty for the whole namespace */
    void broadcast(Packet packet, Set<String> rooms);
}
