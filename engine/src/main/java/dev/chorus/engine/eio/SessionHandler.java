package dev.chorus.engine.eio;

/** What an upper layer (Socket.IO, or an echo server) does with a session's messages. Called on the session's loop. */
public interface SessionHandler {
    SessionHandler IGNORE = new SessionHandler() {
        @Override
        public void onMessage(EngineSession session, String text) {
        }

        @Override
        public void onBinary(EngineSession session, byte[] bytes) {
        }

        @Override
        public void onClose(EngineSession session, CloseReason reason) {
        }
    };

    void onMessage(EngineSession session, String text);

    void onBinary(EngineSession session, byte[] bytes);

    void onClose(EngineSession session, CloseReason reason);

    /**
     * Whether the client is owed answers now (requests still being worked on): a server handing its clients over
     * prefers to end a session when it is not. Any thread.
     */
    default boolean owesAnswers() {
        return false;
    }
}
