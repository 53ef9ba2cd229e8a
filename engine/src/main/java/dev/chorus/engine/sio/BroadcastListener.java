package dev.chorus.engine.sio;

/**
 * Told of every broadcast this node applies, whichever node sent it and whether or not a socket of this node is
 * among its recipients: how something other than a socket (another protocol's connections) hears what the cluster
 * broadcasts. Called on the delivering thread, before the sockets get it; must not block.
 */
@FunctionalInterface
public interface BroadcastListener {
    /** @param options whom it goes to: its rooms (none for the whole namespace), and the sockets it skips */
    void broadcast(Packet packet, BroadcastOptions options);
}
