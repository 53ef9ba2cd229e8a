package dev.chorus.xmppface;

import dev.chorus.core.message.Refusal;
import dev.chorus.xmpp.stream.StanzaError;

/** How the core's refusals read as stanza errors (RFC 6120 §8.3.3). */
final class Refusals {
    private Refusals() {
    }

    static StanzaError condition(Refusal refusal) {
        return switch (refusal) {
            case RATE_LIMITED, QUOTA -> StanzaError.RESOURCE_CONSTRAINT;
            case TOO_LARGE -> StanzaError.NOT_ACCEPTABLE;
            case BAD_RECIPIENT -> StanzaError.SERVICE_UNAVAILABLE;
            case NOT_IN_ROOM -> StanzaError.NOT_ACCEPTABLE;
            case BAD_ROOM -> StanzaError.ITEM_NOT_FOUND;
            case NOT_STORED -> StanzaError.INTERNAL_SERVER_ERROR;
            case EMPTY, BAD_CLIENT_ID -> StanzaError.BAD_REQUEST;
        };
    }
}
