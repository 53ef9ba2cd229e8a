package dev.chorus.xmpp.stream;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where the sessions a client may resume (XEP-0198) are recorded beyond the node holding them, so that another node
 * can resume a session whose node died. A node alone keeps nothing beyond itself.
 */
public interface ResumptionStore {
    /** A node alone: a session lives and dies with its node. */
    ResumptionStore NONE = new ResumptionStore() {
        @Override
        public boolean shared() {
            return false;
        }

        @Override
        public ResumptionRecord open(String id, String username, String jid) {
            throw new UnsupportedOperationException("a node alone records no session");
        }

        @Override
        public CompletableFuture<Recorded> claim(String id, String username) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> release(String id) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onHandOver(Consumer<String> asked) {
            // No other node asks.
        }
    };

    /** Whether sessions are recorded here at all: when not, {@link #open} is never called. */
    boolean shared();

    /** Starts the record of a resumable session of this node, under its resumption id, with nothing sent yet. */
    ResumptionRecord open(String id, String username, String jid);

    /**
     * Takes over a session recorded by another node, once that node released it or is gone (asked to release it
     * first, when alive): from now on only this node writes it.
     *
     * @param username who asks: only the session's own user may take it
     * @return the session as last recorded; null when there is none to take (never was, ended, expired, or still
     *         held by a live node)
     */
    CompletableFuture<Recorded> claim(String id, String username);

    /**
     * Lets another node take the session this node recorded at once, without waiting for this node to be gone: its
     * client came back there, or this node stops.
     */
    CompletableFuture<Void> release(String id);

    /**
     * Where this node hears that another node asks for a session it holds (its client came back there): the
     * session's id, for this node to {@link #release} it.
     */
    void onHandOver(Consumer<String> asked);

    /**
     * A session as recorded.
     *
     * @param received     stanzas received from the client (its {@code h} as the server counts it); never more than
     *                     were handled
     * @param acknowledged stanzas sent to the client that it acknowledged
     * @param unacked      the stanzas sent after those, as XML, oldest first
     * @param state        what the application keeps of the resource ({@link StanzaHandler#state}); null for none
     * @param record       the record, this node's to write from now on
     */
    record Recorded(String username, String jid, long received, long acknowledged, List<String> unacked,
            String state, ResumptionRecord record) {
    }
}
