package dev.chorus.core.account;

/** The password hashing pool is full: the client should try again shortly. */
public final class HashingBusyException extends RuntimeException {
    public HashingBusyException() {
        super("too many logins and registrations at once, try again shortly", null, false, false);
    }
}
