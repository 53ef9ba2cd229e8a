package dev.chorus.xmpp.sasl;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where SASL mechanisms find the accounts: the application's side of authentication. Futures may fail with
 * {@link SaslRefusedException} to answer with its condition.
 */
public interface SaslAuthenticator {
    /** The mechanism names offered on a stream, best first; PLAIN only when {@code protectedStream}. */
    List<String> mechanisms(boolean protectedStream);

    /** @return the account's own spelling of the name when the password is right, else null */
    CompletableFuture<String> checkPassword(String username, String password, String client);

    /**
     * The credential a SCRAM exchange checks the client's proof against. For an unknown user, a made-up one that
     * stays the same from one attempt to the next, so that the exchange does not tell who exists.
     */
    CompletableFuture<ScramCredential> scramCredential(String username, ScramHash hash, String client);

    /** How a SCRAM exchange begun with {@link #scramCredential} ended. @return the account's own spelling of the name */
    CompletableFuture<String> scramFinished(String username, boolean proofMatched, String client);
}
