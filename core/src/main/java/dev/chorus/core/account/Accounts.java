package dev.chorus.core.account;

import dev.chorus.core.account.PasswordHashing.Purpose;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Registration and login, their passwords hashed on {@link PasswordHashing}. Whatever can be refused without a hash
 * (a bad or taken name, a bad password) is refused before one.
 */
public final class Accounts {
    public static final int MIN_PASSWORD_LENGTH = 8;
    public static final int MAX_PASSWORD_LENGTH = 1024;
    public static final String TAKEN = "username is taken";

    private final AccountStore store;
    private final PasswordHashing hashing;
    private final Clock clock;
    /**
     * Compared against when the user does not exist, so that a login takes as long either way. Made on the hashing
     * pool: one hash of cold code is most of a node's start otherwise.
     */
    private final CompletableFuture<String> decoyHash;

    public Accounts(AccountStore store, PasswordHashing hashing, Clock clock) {
        this.store = store;
        this.hashing = hashing;
        this.clock = clock;
        this.decoyHash = hashing.hash("decoy password for unknown users", Purpose.LOGIN);
    }

    public CompletableFuture<Optional<Account>> find(String username) {
        return store.find(username);
    }

    /** @return false when there is no such account */
    public CompletableFuture<Boolean> setAdmin(String username, boolean admin) {
        return store.setAdmin(username, admin);
    }

    /**
     * Creates an account; fails with {@link AccountException} when the name or password is refused or taken, with
     * {@link HashingBusyException} when hashing is full.
     */
    public CompletableFuture<Account> register(String username, String password, boolean admin) {
        Optional<String> badName = UsernameRules.check(username);
        if (badName.isPresent()) {
            return CompletableFuture.failedFuture(new AccountException(badName.get()));
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH || password.length() > MAX_PASSWORD_LENGTH) {
            return CompletableFuture.failedFuture(new AccountException(
                    "password must be " + MIN_PASSWORD_LENGTH + " to " + MAX_PASSWORD_LENGTH + " characters long"));
        }
        return store.find(username)
                .thenCompose(existing -> {
                    if (existing.isPresent()) {
                        throw new AccountException(TAKEN);
                    }
                    return hashing.hashWithScram(password, Purpose.REGISTRATION);
                })
                .thenCompose(hashed -> {
                    Account account = new Account(username, hashed.hash(), admin, clock.instant(), hashed.scram());
                    return store.create(account).thenApply(created -> {
                        if (!created) {
                            throw new AccountException(TAKEN);
                        }
                        return account;
                    });
                });
    }

    /**
     * An account that lacks SCRAM credentials gets them here, when the password is at hand, before the login
     * completes: the client's next XMPP login may need them.
     *
     * @return the account when the password matches it, else empty; {@link HashingBusyException} when full
     */
    public CompletableFuture<Optional<Account>> authenticate(String username, String password) {
        if (UsernameRules.check(username).isPresent() || password == null
                || password.length() > MAX_PASSWORD_LENGTH) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return store.find(username).thenCompose(found -> {
            String hash = found.map(Account::passwordHash).orElse(null);
            CompletableFuture<String> against = hash != null ? CompletableFuture.completedFuture(hash) : decoyHash;
            return against.thenCompose(compared -> hashing.matches(password, compared, Purpose.LOGIN))
                    .thenCompose(matches -> hash != null && matches
                            ? withScram(found.get(), password).thenApply(Optional::of)
                            : CompletableFuture.completedFuture(Optional.<Account>empty()));
        });
    }

    private CompletableFuture<Account> withScram(Account account, String password) {
        if (account.scram().keySet().containsAll(EnumSet.allOf(ScramAlgorithm.class))) {
            return CompletableFuture.completedFuture(account);
        }
        return hashing.scram(password, Purpose.LOGIN).thenCompose(scram -> store.setScram(account.username(), scram)
                .thenApply(stored -> account.withScram(scram)));
    }

    /**
     * Guest mode: anyone may use any free-form valid name without a password (as the classic Socket.IO chat
     * does). Names that belong to registered accounts stay theirs.
     */
    public CompletableFuture<Optional<Account>> guest(String username) {
        if (UsernameRules.check(username).isPresent()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return store.find(username).thenApply(found -> found.isPresent() && found.get().passwordHash() != null
                ? Optional.<Account>empty()
                : Optional.of(new Account(username, null, false, clock.instant(), Map.of())));
    }
}
