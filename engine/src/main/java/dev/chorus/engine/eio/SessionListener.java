package dev.chorus.engine.eio;

/** Told of every new session, on its loop, before the session processes any message. */
@FunctionalInterface
public interface SessionListener {
    /** @return the handler for the session's messages and close */
    SessionHandler onOpen(EngineSession session);
}
