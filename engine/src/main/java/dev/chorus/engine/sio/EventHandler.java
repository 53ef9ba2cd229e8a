package dev.chorus.engine.sio;

import org.slf4j.LoggerFactory;

/** Handles one named event from a client. Runs on the socket's event loop: it must not block. */
@FunctionalInterface
public interface EventHandler {
    void onEvent(Socket socket, EventArgs args, Ack ack);

    /** A handler of events whose first argument is converted to {@code type}; a mismatch answers with an error. */
    static <T> EventHandler typed(Class<T> type, TypedEventHandler<T> handler) {
        return (socket, args, ack) -> {
            T payload;
            try {
                payload = args.get(0, type);
            } catch (IllegalArgumentException e) {
                LoggerFactory.getLogger(EventHandler.class).debug("socket {}: bad payload: {}", socket.id(),
                        e.getMessage());
                ack.send(socket.namespace().server().mapper().createObjectNode().put("error", "invalid payload"));
                return;
            }
            handler.onEvent(socket, payload, ack);
        };
    }
}
