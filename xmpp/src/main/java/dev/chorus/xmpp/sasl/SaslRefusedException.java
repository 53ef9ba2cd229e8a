package dev.chorus.xmpp.sasl;

/** The authenticator will not check this attempt (too many before it, the store unreachable): answered as is. */
public final class SaslRefusedException extends RuntimeException {
    private final SaslFailure failure;

    public SaslRefusedException(SaslFailure failure, String detail) {
        super(detail, null, false, false);
        this.failure = failure;
    }

    public SaslFailure failure() {
        return failure;
    }
}
