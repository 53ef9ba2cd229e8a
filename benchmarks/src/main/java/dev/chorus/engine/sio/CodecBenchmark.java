package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.chorus.engine.eio.Frame;
import io.netty.buffer.ByteBufAllocator;
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

/** Encoding and decoding of a chat message event, the packet a chat server handles most. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    static final String CHAT_EVENT = "2[\"message\",{\"id\":\"1795499127549-0\",\"room\":\"room-12\","
            + "\"user\":\"bench-u345\",\"text\":\"bench:7:1234:3:1795499127549.125\",\"ts\":1795499127549}]";

    private ObjectMapper mapper;
    private PacketEncoder encoder;
    private PacketDecoder decoder;
    private Packet chatPacket;
    private Packet binaryPacket;

    @Setup
    public void setUp() {
        mapper = SocketIoOptions.defaultMapper();
        encoder = new PacketEncoder(mapper, ByteBufAllocator.DEFAULT);
        decoder = new PacketDecoder(mapper, PacketDecoder.DEFAULT_MAX_ATTACHMENTS);
        chatPacket = decoder.decode(CHAT_EVENT);
        ArrayNode binaryArgs = mapper.createArrayNode().add("file").add(new byte[1024]);
        binaryPacket = Packet.event("/", binaryArgs);
    }

    @Benchmark
    public int encodeChatMessage() {
        return releaseAll(encoder.encode(chatPacket));
    }

    @Benchmark
    public Packet decodeChatMessage() {
        return decoder.decode(CHAT_EVENT);
    }

    @Benchmark
    public int encodeBinaryEvent() {
        return releaseAll(encoder.encode(binaryPacket));
    }

    private static int releaseAll(List<Frame> frames) {
        int bytes = 0;
        for (Frame frame : frames) {
            bytes += frame.content().readableBytes();
            frame.release();
        }
        return bytes;
    }
}
