package dev.chorus.engine.sio;

/** The answer to an event the client sent with an acknowledgement callback. Only the first call is sent. */
public interface Ack {
    Ack NONE = new Ack() {
        @Override
        public void send(Object... args) {
        }

        @Override
        public boolean requested() {
            return false;
        }
    };

    void send(Object... args);

    /** Whether the client asked for an acknowledgement at all. */
    boolean requested();
}
