package dev.chorus.core.message;

import dev.chorus.core.history.ChatMessage;

/** What became of a {@link Post}. */
public sealed interface Publication {
    /** Stored and on its way to the recipients. */
    record Published(ChatMessage message) implements Publication {
    }

    /** A retry of a message sent before with the same client key: nothing sent again. */
    record AlreadySent(long id) implements Publication {
    }

    /** The sender is over the message rate; nothing stored or sent. */
    record RateLimited(long retryAfterMs) implements Publication {
    }
}
