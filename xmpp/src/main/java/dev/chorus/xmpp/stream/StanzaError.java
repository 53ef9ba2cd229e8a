package dev.chorus.xmpp.stream;

import java.util.Locale;

/** The stanza error conditions of RFC 6120 §8.3.3 that the server answers with, each with its usual type. */
public enum StanzaError {
    BAD_REQUEST("modify"),
    CONFLICT("cancel"),
    FEATURE_NOT_IMPLEMENTED("cancel"),
    FORBIDDEN("auth"),
    INTERNAL_SERVER_ERROR("cancel"),
    ITEM_NOT_FOUND("cancel"),
    JID_MALFORMED("modify"),
    NOT_ACCEPTABLE("modify"),
    NOT_ALLOWED("cancel"),
    NOT_AUTHORIZED("auth"),
    POLICY_VIOLATION("modify"),
    RECIPIENT_UNAVAILABLE("wait"),
    REGISTRATION_REQUIRED("auth"),
    REMOTE_SERVER_NOT_FOUND("cancel"),
    RESOURCE_CONSTRAINT("wait"),
    SERVICE_UNAVAILABLE("cancel"),
    UNDEFINED_CONDITION("cancel"),
    UNEXPECTED_REQUEST("wait");

    private final String type;

    StanzaError(String type) {
        this.type = type;
    }

    /** The error's type: what the client should do (cancel, modify, auth, wait). */
    public String type() {
        return type;
    }

    /** The condition's element name, as RFC 6120 spells it. */
    public String condition() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
