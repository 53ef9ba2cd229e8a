package dev.chorus.core.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * Slows down password guessing: failed logins are counted per account and per client address, and once either
 * runs out the next attempts are refused (HTTP 429) until the bucket refills. A good login does not reset the
 * count, so interleaving right and wrong guesses gains nothing.
 */
public final class LoginThrottle {
    private final RateLimiter byAccount;
    private final RateLimiter byAddress;

    /**
     * @param accountFailures failures allowed per account within {@code window}
     * @param addressFailures failures allowed per address within {@code window}
     */
    public LoginThrottle(int accountFailures, int addressFailures, Duration window, Clock clock) {
        this.byAccount = new RateLimiter(accountFailures / (double) window.toSeconds(), accountFailures, clock);
        this.byAddress = new RateLimiter(addressFailures / (double) window.toSeconds(), addressFailures, clock);
    }

    /** @return milliseconds to wait before trying again, or 0 when an attempt may be made now */
    public long retryAfterMillis(String username, String address) {
        return Math.max(byAccount.millisUntilNext(account(username)), byAddress.millisUntilNext(address));
    }

    public void failed(String username, String address) {
        byAccount.tryAcquire(account(username));
        byAddress.tryAcquire(address);
    }

    private static String account(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
