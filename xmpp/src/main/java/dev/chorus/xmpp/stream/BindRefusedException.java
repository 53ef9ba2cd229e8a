package dev.chorus.xmpp.stream;

/** A resource not bound, answered with a stanza error (RFC 6120 §7.6.2): {@code resource-constraint}, say. */
public final class BindRefusedException extends RuntimeException {
    private final StanzaError error;

    public BindRefusedException(StanzaError error, String detail) {
        super(detail, null, false, false);
        this.error = error;
    }

    public StanzaError error() {
        return error;
    }
}
