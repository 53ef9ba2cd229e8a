package dev.chorus.core.account;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Registration and login. Passwords are hashed with Argon2id on a pool of their own: a hash takes tens of
 * milliseconds of CPU on purpose, which must never land on an event loop.
 */
public final class Accounts {
    public static final int MIN_PASSWORD_LENGTH = 8;
    public static final int MAX_PASSWORD_LENGTH = 1024;

    private final AccountStore store;
    private final Argon2PasswordEncoder hasher = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    private final Executor hashing;
    private final Clock clock;
    /**
     * Compared against when the user does not exist, so that a login takes as long either way. Made on the hashing
     * pool: one hash of cold code is most of a node's start otherwise.
     */
    private final CompletableFuture<String> decoyHash;

    public Accounts(AccountStore store, Executor hashing, Clock clock) {
        this.store = store;
        this.hashing = hashing;
        this.clock = clock;
        this.decoyHash = CompletableFuture.supplyAsync(() -> hasher.encode("decoy password for unknown users"),
                hashing);
    }

    /** Creates an account; fails with {@link AccountException} when the name or password is refused or taken. */
    public CompletableFuture<Optional<Account>> find(String username) {
        return store.find(username);
    }

    /** @return false when there is no such account */
    public CompletableFuture<Boolean> setAdmin(String username, boolean admin) {
        return store.setAdmin(username, admin);
    }

    public CompletableFuture<Account> register(String username, String password, boolean admin) {
        Optional<String> badName = UsernameRules.check(username);
        if (badName.isPresent()) {
            return CompletableFuture.failedFuture(new AccountException(badName.get()));
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH || password.length() > MAX_PASSWORD_LENGTH) {
            return CompletableFuture.failedFuture(new AccountException(
                    "password must be " + MIN_PASSWORD_LENGTH + " to " + MAX_PASSWORD_LENGTH + " characters long"));
        }
        return CompletableFuture.supplyAsync(() -> hasher.encode(password), hashing)
                .thenCompose(hash -> {
                    Account account = new Account(username, hash, admin, clock.instant());
                    return store.create(account).thenApply(created -> {
                        if (!created) {
                            throw new AccountException("username is taken");
                        }
                        return account;
                    });
                });
    }

    /** @return the account when the password matches it, else empty */
    public CompletableFuture<Optional<Account>> authenticate(String username, String password) {
        if (UsernameRules.check(username).isPresent() || password == null
                || password.length() > MAX_PASSWORD_LENGTH) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return store.find(username).thenApplyAsync(found -> {
            String hash = found.map(Account::passwordHash).orElse(null);
            boolean matches = hasher.matches(password, hash != null ? hash : decoyHash.join());
            return found.isPresent() && hash != null && matches ? found : Optional.<Account>empty();
        }, hashing);
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
                : Optional.of(new Account(username, null, false, clock.instant())));
    }
}
