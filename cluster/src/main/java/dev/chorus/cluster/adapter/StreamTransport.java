package dev.chorus.cluster.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How one namespace's adapter reaches the other nodes through Redis: entries appended to the cluster stream (which
 * {@link ClusterBus} reads back, in order, on every node), messages on the namespace's pub/sub channels, and the
 * stream read again for a replay. What travels is the cluster protocol's ({@link MessageType}, {@link ClusterCodec});
 * how, this class's.
 */
final class StreamTransport {
    private final ClusterBus bus;
    private final String nsp;
    private final String uid;

    /** @param uid the adapter's own id, which its messages carry and its private channel is named by */
    StreamTransport(ClusterBus bus, String nsp, String uid) {
        this.bus = bus;
        this.nsp = nsp;
        this.uid = uid;
    }

    /** Appends to the stream, for every node in stream order. @return the entry's id */
    CompletableFuture<String> append(MessageType type, JsonNode data) {
        return bus.append(uid, nsp, type, ClusterCodec.streamData(data));
    }

    /** To every server subscribed now, at most once. */
    void publish(MessageType type, JsonNode data) {
        bus.redis().bytes().publish(bus.publicChannel(nsp),
                ClusterCodec.msgpack(ClusterCodec.message(type, data, uid, nsp)));
    }

    /** To the one server of that uid, on its private channel. */
    void respond(String toUid, MessageType type, JsonNode data) {
        bus.redis().bytes().publish(bus.privateChannel(nsp, toUid),
                ClusterCodec.msgpack(ClusterCodec.message(type, data, uid, nsp)));
    }

    /** An answer to a classic adapter's query, on the channel where classic adapters wait for answers. */
    void answerClassic(byte[] response) {
        bus.redis().bytes().publish(bus.responseChannel(nsp), response);
    }

    /** Whether a channel is the one where the classic adapters and the emitter ask. */
    boolean isClassicRequestChannel(String channel) {
        return channel.startsWith(bus.settings().channelPrefix() + "-request#");
    }

    /** At most {@code count} entries after {@code after}, up to {@code upTo} included, oldest first. */
    CompletableFuture<List<StreamMessage<String, String>>> entries(StreamId after, StreamId upTo, int count) {
        Range<String> range = Range.from(Range.Boundary.excluding(after.toString()),
                Range.Boundary.including(upTo.toString()));
        return bus.redis().strings().xrange(bus.settings().streamName(), range, Limit.from(count))
                .toCompletableFuture();
    }
}
