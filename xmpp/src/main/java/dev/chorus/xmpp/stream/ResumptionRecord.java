package dev.chorus.xmpp.stream;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The record of one resumable session, written by the node holding it ({@link ResumptionStore}). */
public interface ResumptionRecord {
    /**
     * Records, in one step, what changed since the last write.
     *
     * @return completes true once recorded, false when another node took the session over meanwhile
     */
    CompletableFuture<Boolean> write(Change change);

    /** The session ended: nothing is left to resume. */
    void delete();

    /**
     * What changed.
     *
     * @param sent         stanzas sent to the client since the last write, as XML
     * @param acknowledged how many of the oldest unacknowledged stanzas the client acknowledged since
     * @param received     the count of stanzas received from the client
     * @param state        the application's state of the resource; null when unchanged
     */
    record Change(List<String> sent, long acknowledged, long received, String state) {
    }
}
