package dev.chorus.xmpp.sasl;

import java.util.concurrent.CompletableFuture;

/** One SASL exchange (RFC 4422) on the server's side, begun by {@code <auth/>} and led by each {@code <response/>}. */
public interface SaslMechanism {
    /** @param initialResponse what {@code <auth/>} carried, or null when it carried nothing */
    CompletableFuture<SaslStep> start(byte[] initialResponse);

    CompletableFuture<SaslStep> respond(byte[] response);
}
