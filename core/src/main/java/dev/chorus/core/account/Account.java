package dev.chorus.core.account;

import java.time.Instant;
import java.util.Map;

/**
 * A registered user. {@code passwordHash} is null for guests, who have no password. {@code scram} holds what XMPP
 * clients log in with: empty for guests, and for an account made before it until its password is next seen.
 */
public record Account(String username, String passwordHash, boolean admin, Instant createdAt,
        Map<ScramAlgorithm, ScramCredential> scram) {
    public Account {
        scram = scram == null ? Map.of() : Map.copyOf(scram);
    }

    public Account withScram(Map<ScramAlgorithm, ScramCredential> credentials) {
        return new Account(username, passwordHash, admin, createdAt, credentials);
    }
}
