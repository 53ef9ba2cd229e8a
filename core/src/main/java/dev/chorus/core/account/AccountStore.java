package dev.chorus.core.account;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Where accounts live: an embedded database on one node, Redis in a cluster. Usernames are case-insensitive. */
public interface AccountStore {
    /** @return false when the username is taken */
    CompletableFuture<Boolean> create(Account account);

    CompletableFuture<Optional<Account>> find(String username);

    /** Gives or takes the admin flag. @return false when there is no such account */
    CompletableFuture<Boolean> setAdmin(String username, boolean admin);

    /** Replaces the account's SCRAM credentials. @return false when there is no such account */
    CompletableFuture<Boolean> setScram(String username, Map<ScramAlgorithm, ScramCredential> scram);
}
