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
}
