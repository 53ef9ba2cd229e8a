package dev.chorus.core.limits;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Slows down password guessing the way OWASP's authentication guidance describes, in {@link Budgets} that a cluster
 * shares. A login attempt is counted before its password is hashed — a thousand parallel guesses cannot all slip
 * through while the first ones are still being checked — and given back when it succeeds, so what stays counted
 * are failures: per account and address (one guesser on one account), per address (one guesser on many accounts),
 * and a slower ceiling per account from all addresses together (many guessers on one account). A guesser from one
 * address runs out long before the account does, so the owner still gets in from elsewhere. Registrations are
 * counted per address, before their hash too.
 */
public final class LoginThrottle {
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
    static final Duration ACCOUNT_WINDOW = Duration.ofHours(1);
    static final Duration REGISTRATION_WINDOW = Duration.ofHours(1);

    /**
     * @param failuresPerAccountAndAddress failed logins per account from one address, refilled over 15 minutes
     * @param failuresPerAddress           failed logins from one address over all accounts, refilled over 15 minutes
     * @param failuresPerAccount           failed logins per account from all addresses, refilled over an hour
     * @param registrationsPerAddress      registrations from one address, refilled over an hour
     */
    public record Limits(int failuresPerAccountAndAddress, int failuresPerAddress, int failuresPerAccount,
            int registrationsPerAddress) {
    }

    private final Budgets budgets;
    private final Limits limits;

    public LoginThrottle(Budgets budgets, Limits limits) {
        this.budgets = budgets;
        this.limits = limits;
    }

    /** @return 0 when the attempt may go on to its password check, else the milliseconds to wait */
    public CompletableFuture<Long> beginLogin(String username, String address) {
        return budgets.take(login(username, address));
    }

    /** The attempt begun does not count: its password was right, or it was never checked. */
    public CompletableFuture<Void> giveBack(String username, String address) {
        return budgets.giveBack(login(username, address));
    }

    /** @return 0 when a registration from {@code address} may go on, else the milliseconds to wait */
    public CompletableFuture<Long> beginRegistration(String address) {
        return budgets.take(List.of(Budget.of("register:" + address, limits.registrationsPerAddress(),
                REGISTRATION_WINDOW)));
    }

    private List<Budget> login(String username, String address) {
        String account = username.toLowerCase(Locale.ROOT);
        return List.of(
                Budget.of("login:" + account + ":" + address, limits.failuresPerAccountAndAddress(), FAILURE_WINDOW),
                Budget.of("login-address:" + address, limits.failuresPerAddress(), FAILURE_WINDOW),
                Budget.of("login-account:" + account, limits.failuresPerAccount(), ACCOUNT_WINDOW));
    }
}
