package dev.chorus.engine.sio;

/** Handles one named event from a client. Runs on the socket's event loop: it must not block. */
@FunctionalInterface
public interface EventHandler {
    void onEvent(Socket socket, EventArgs args, Ack ack);
}
