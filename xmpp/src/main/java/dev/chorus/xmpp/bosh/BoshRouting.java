package dev.chorus.xmpp.bosh;

import dev.chorus.xmpp.stream.RandomIds;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Where BOSH sessions live when there is more than one node: a session stays on the node that created it, its id
 * says which one, and a request that reaches another node is passed to that one — so a balancer needs no affinity.
 */
public interface BoshRouting {
    /** A node alone: ids are random, and a session this node does not hold is no one's. */
    BoshRouting ALONE = new BoshRouting() {
        @Override
        public String newSid() {
            return RandomIds.next(18);
        }

        @Override
        public boolean passOn(Channel client, FullHttpRequest request, String sid, Runnable unknown) {
            return false;
        }
    };

    /** An unguessable id for a new session of this node. */
    String newSid();

    /**
     * A request for a session this node does not hold. Called on the request's event loop; must not block.
     *
     * @param request the request, still the caller's to release: what is passed on holds its own reference
     * @param unknown answers the client when the node holding the session turns out to be gone
     * @return whether the session may be another node's, the request then passed on to be answered there; false
     *         when it is no one's
     */
    boolean passOn(Channel client, FullHttpRequest request, String sid, Runnable unknown);
}
