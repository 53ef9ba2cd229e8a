package dev.chorus.xmpp.sasl;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * SASL PLAIN (RFC 4616): the name and password in one message, checked as the web login checks them. Offered only on
 * a stream no one can read along (TLS, or loopback).
 */
public final class PlainMechanism implements SaslMechanism {
    public static final String NAME = "PLAIN";

    private final SaslAuthenticator authenticator;
    private final String domain;
    private final String client;

    public PlainMechanism(SaslAuthenticator authenticator, String domain, String client) {
        this.authenticator = authenticator;
        this.domain = domain;
        this.client = client;
    }

    @Override
    public CompletableFuture<SaslStep> start(byte[] initialResponse) {
        if (initialResponse == null) {
            // PLAIN has no server challenge; an empty one asks the client for its message.
            return CompletableFuture.completedFuture(new SaslStep.Challenge(new byte[0]));
        }
        return respond(initialResponse);
    }

    @Override
    public CompletableFuture<SaslStep> respond(byte[] response) {
        String message = new String(response, StandardCharsets.UTF_8);
        int first = message.indexOf('\0');
        int second = first < 0 ? -1 : message.indexOf('\0', first + 1);
        if (second < 0 || message.indexOf('\0', second + 1) >= 0) {
            return failed(SaslFailure.MALFORMED_REQUEST);
        }
        String authzid = message.substring(0, first);
        String username = message.substring(first + 1, second);
        String password = message.substring(second + 1);
        if (username.isEmpty()) {
            return failed(SaslFailure.MALFORMED_REQUEST);
        }
        if (!authzid.isEmpty() && !authzid.equalsIgnoreCase(username)
                && !authzid.equalsIgnoreCase(username + "@" + domain)) {
            return failed(SaslFailure.INVALID_AUTHZID);
        }
        return authenticator.checkPassword(username, password, client).thenApply(account -> account == null
                ? new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED)
                : new SaslStep.Success(account, null));
    }

    private static CompletableFuture<SaslStep> failed(SaslFailure failure) {
        return CompletableFuture.completedFuture(new SaslStep.Failure(failure));
    }
}
