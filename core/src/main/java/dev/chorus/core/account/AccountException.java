package dev.chorus.core.account;

/** A registration or login refused for a reason the user may be told. */
public class AccountException extends RuntimeException {
    public AccountException(String reason) {
        super(reason, null, false, false);
    }
}
