package dev.chorus.engine.eio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
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

/** The polling framing: a payload of a few packets, text and binary, both ways. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PayloadBenchmark {
    private static final String PAYLOAD = "42[\"message\",{\"room\":\"room-1\",\"text\":\"hello\"}]\u001e3\u001ebAQIDBAUG"
            + "\u001e42[\"typing\",{\"room\":\"room-1\"}]";

    private List<Frame> template;

    @Setup
    public void setUp() {
        template = List.of(Frame.message("2[\"message\",{\"room\":\"room-1\",\"text\":\"hello\"}]"), Frame.ping(),
                Frame.message(new byte[] {1, 2, 3, 4, 5, 6}));
    }

    @Benchmark
    public List<InboundPacket> decodePayload() {
        return PacketCodec.decodePayload(PAYLOAD);
    }

    @Benchmark
    public int encodePayload() {
        List<Frame> frames = new ArrayList<>(template.size());
        for (Frame frame : template) {
            frames.add(frame.retainedDuplicate());
        }
        ByteBuf payload = PacketCodec.encodePayload(frames, ByteBufAllocator.DEFAULT);
        int size = payload.readableBytes();
        payload.release();
        return size;
    }
}
