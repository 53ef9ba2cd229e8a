package dev.chorus.cluster.adapter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chorus.engine.eio.Frame;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Packet;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every node does with each chat message of the cluster stream before its sockets get it: read the entry's
 * data and encode the event with its offset into the frame its sockets are sent. {@code asText} is a plain event's
 * path (its arguments cut out of the entry's text); {@code asTree} the path of an entry with binary, which every
 * entry took before: a Jackson tree read, the offset added, the tree written.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StreamEntryBenchmark {
    private static final String OFFSET = "1765000000000-12";

    private Namespace nsp;
    private String entryData;

    @Setup
    public void prepare() {
        nsp = new SocketIoServer(SocketIoOptions.builder().build()).sockets();
        BroadcastOptions options = new BroadcastOptions(Set.of("room-17"), Set.of(), false, false);
        ArrayNode event = JsonNodeFactory.instance.arrayNode().add("message");
        event.addObject().put("id", 1765000000000123L).put("room", "room-17").put("user", "guest-4711")
                .put("text", "bench text of a typical chat message, some sixty characters").put("ts", 1765000000000L)
                .put("clientId", "c-4711-88");
        entryData = ClusterCodec.streamData(ClusterCodec.broadcastData(event, options));
    }

    @Benchmark
    public int asText() {
        EncodedBroadcast broadcast = EncodedBroadcast.read(entryData, OFFSET);
        return send(broadcast.packet(nsp.name())) + broadcast.options().rooms().size();
    }

    @Benchmark
    public int asTree() {
        var data = ClusterCodec.readStreamData(entryData);
        BroadcastOptions options = ClusterCodec.readOptions(data.path("opts"));
        return send(Packet.event(nsp.name(), ClusterCodec.eventWithOffset(data, OFFSET))) + options.rooms().size();
    }

    private int send(Packet packet) {
        List<Frame> frames = nsp.encode(packet);
        int bytes = frames.get(0).content().readableBytes();
        frames.forEach(Frame::release);
        return bytes;
    }
}
