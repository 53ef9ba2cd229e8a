package dev.chorus.xmpp.sasl;

import java.util.Locale;

/** The SASL failure conditions of RFC 6120 §6.5 that the server answers with. */
public enum SaslFailure {
    ABORTED,
    ENCRYPTION_REQUIRED,
    INCORRECT_ENCODING,
    INVALID_AUTHZID,
    INVALID_MECHANISM,
    MALFORMED_REQUEST,
    NOT_AUTHORIZED,
    /** Too many attempts for now, or the server could not check: try again later. */
    TEMPORARY_AUTH_FAILURE;

    /** The condition's element name, as RFC 6120 spells it. */
    public String condition() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
