package dev.chorus.engine.sio;

/** Handles an event whose first argument is read as a {@code T}. Runs on the socket's event loop. */
@FunctionalInterface
public interface TypedEventHandler<T> {
    void onEvent(Socket socket, T payload, Ack ack);
}
