package dev.chorus.core.message;

/** Why a message was refused, as the meters tag it (the sender is told in words). */
public enum Refusal {
    BAD_ROOM("bad-room"), BAD_RECIPIENT("bad-recipient"), EMPTY("empty"), TOO_LARGE("too-large"),
    BAD_CLIENT_ID("bad-client-id"), NOT_IN_ROOM("not-in-room"), RATE_LIMITED("rate-limited"), QUOTA("quota"),
    NOT_STORED("not-stored");

    private final String tag;

    Refusal(String tag) {
        this.tag = tag;
    }

    String tag() {
        return tag;
    }
}
