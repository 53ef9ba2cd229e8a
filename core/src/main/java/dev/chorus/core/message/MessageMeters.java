package dev.chorus.core.message;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chat's messages as an operator counts them: {@code chorus.messages.posted} by kind (room, direct),
 * {@code chorus.messages.refused} by kind and reason — a retry answered with the id it already had is neither — and
 * {@code chorus.messages.delivered} by kind, one per recipient connection on this node.
 */
final class MessageMeters {
    private final MeterRegistry registry;
    private final Map<MessageKind, Counter> posted = new EnumMap<>(MessageKind.class);
    private final Map<MessageKind, Counter> delivered = new EnumMap<>(MessageKind.class);
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();

    MessageMeters(MeterRegistry registry) {
        this.registry = registry;
        for (MessageKind kind : MessageKind.values()) {
            posted.put(kind, Counter.builder("chorus.messages.posted").tag("kind", kind.tag())
                    .description("Chat messages stored and sent, by kind").register(registry));
            delivered.put(kind, Counter.builder("chorus.messages.delivered").tag("kind", kind.tag())
                    .description("Chat messages handed to connections on this node, one per recipient, by kind")
                    .register(registry));
        }
    }

    void posted(MessageKind kind) {
        posted.get(kind).increment();
    }

    void delivered(MessageKind kind, int connections) {
        delivered.get(kind).increment(connections);
    }

    void refused(MessageKind kind, Refusal reason) {
        refused.computeIfAbsent(kind.tag() + reason.tag(), key -> Counter.builder("chorus.messages.refused")
                .tag("kind", kind.tag()).tag("reason", reason.tag())
                .description("Chat messages refused, by kind and reason").register(registry)).increment();
    }
}
