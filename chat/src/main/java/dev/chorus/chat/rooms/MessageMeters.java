package dev.chorus.chat.rooms;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chat's messages as an operator counts them: {@code chorus.messages.posted} by kind (room, direct), and
 * {@code chorus.messages.refused} by kind and reason. A retry answered with the id it already had is neither.
 */
final class MessageMeters {
    /** What a message is: said in a room, or sent to one user. */
    enum Kind {
        ROOM("room"), DIRECT("direct");

        private final String tag;

        Kind(String tag) {
            this.tag = tag;
        }
    }

    /** Why a message was refused, as a tag (the answer to the client says it in words). */
    enum Reason {
        BAD_ROOM("bad-room"), BAD_RECIPIENT("bad-recipient"), EMPTY("empty"), TOO_LARGE("too-large"),
        BAD_CLIENT_ID("bad-client-id"), NOT_IN_ROOM("not-in-room"), RATE_LIMITED("rate-limited"),
        NOT_STORED("not-stored");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry registry;
    private final Map<Kind, Counter> posted = new ConcurrentHashMap<>();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();

    MessageMeters(MeterRegistry registry) {
        this.registry = registry;
        for (Kind kind : Kind.values()) {
            posted.put(kind, Counter.builder("chorus.messages.posted").tag("kind", kind.tag)
                    .description("Chat messages stored and sent, by kind").register(registry));
        }
    }

    void posted(Kind kind) {
        posted.get(kind).increment();
    }

    void refused(Kind kind, Reason reason) {
        refused.computeIfAbsent(kind.tag + reason.tag, key -> Counter.builder("chorus.messages.refused")
                .tag("kind", kind.tag).tag("reason", reason.tag)
                .description("Chat messages refused, by kind and reason").register(registry)).increment();
    }
}
