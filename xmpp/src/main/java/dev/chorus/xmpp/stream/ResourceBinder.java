package dev.chorus.xmpp.stream;

import java.util.concurrent.CompletableFuture;

/** Where a stream binds its resource (RFC 6120 §7): the application's side of a client coming online. */
public interface ResourceBinder {
    /** A bound resource, and what handles the stanzas sent from it. */
    record Binding(String resource, StanzaHandler handler) {
    }

    /**
     * Binds a resource for an authenticated user; fails with {@link BindRefusedException} to refuse it.
     *
     * @param requested the resource the client asked for (already resourceprepped), or null to be given one
     */
    CompletableFuture<Binding> bind(XmppClient client, String username, String requested);

    /**
     * Binds on this node, as it was, the resource of a session another node held and can no longer serve
     * (XEP-0198 resumption): the client comes back to where it was, without being welcomed again. A binder that
     * keeps no state of its resources cannot, and refuses.
     *
     * @param resource the resourcepart the session had
     * @param state    what {@link StanzaHandler#state} last said of it there; null when it said nothing
     */
    default CompletableFuture<Binding> restore(XmppClient client, String username, String resource, String state) {
        return CompletableFuture.failedFuture(new BindRefusedException(StanzaError.ITEM_NOT_FOUND,
                "resources are not restored here"));
    }
}
