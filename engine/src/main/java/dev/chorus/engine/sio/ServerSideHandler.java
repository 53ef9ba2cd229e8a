package dev.chorus.engine.sio;

/** Handles an event another server of the cluster emitted to a namespace ({@code serverSideEmit}). */
@FunctionalInterface
public interface ServerSideHandler {
    /** @param ack answers the emitting server, when it asked for an answer; only the first argument goes back */
    void onEvent(EventArgs args, Ack ack);
}
