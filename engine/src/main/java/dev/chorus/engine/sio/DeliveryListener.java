package dev.chorus.engine.sio;

/** Told how many of this node's sockets each broadcast event reached, whoever sent it, from whichever node. */
@FunctionalInterface
public interface DeliveryListener {
    void delivered(String event, int sockets);
}
