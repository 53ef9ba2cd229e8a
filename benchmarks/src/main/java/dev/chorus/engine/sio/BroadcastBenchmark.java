package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.engine.eio.EngineOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One chat message broadcast to a room of 10 000 sockets on this node, each on a real (in-VM) Netty channel
 * spread over two event loops, as on a 2-core server. Measures the server's side of the delivery: the event is
 * encoded once and every socket's loop has written its frame into its channel's pipeline before the operation
 * ends; the socket write itself is stood in for by a sink at the head of each server channel.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class BroadcastBenchmark {
    @Param("10000")
    int sockets;

    @Param({"false", "true"})
    boolean recovery;

    private EventLoopGroup loops;
    private SocketIoServer io;
    private final List<Channel> clients = new ArrayList<>();
    private final LongAdder framesWritten = new LongAdder();
    private ObjectNode message;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        loops = new DefaultEventLoopGroup(2);
        io = new SocketIoServer(SocketIoOptions.builder()
                .engine(EngineOptions.builder().path("/socket.io").build())
                .recovery(recovery ? RecoveryOptions.defaults() : null)
                .build());
        io.sockets().onConnection(socket -> socket.join("room"));
        LocalAddress address = new LocalAddress("chorus-broadcast-bench");
        new ServerBootstrap().group(loops).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.pipeline().addFirst(new WrittenFrameSink());
                        io.engine().acceptWebSocket(ch, new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                                "/socket.io/?EIO=4&transport=websocket"));
                    }
                }).bind(address).sync().channel();
        Bootstrap client = new Bootstrap().group(loops).channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        // The server's writes stop at its sink: the client only sends its CONNECT.
                    }
                });
        for (int i = 0; i < sockets; i++) {
            Channel channel = client.connect(address).sync().channel();
            channel.writeAndFlush(new TextWebSocketFrame("40"));
            clients.add(channel);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (io.sockets().sockets().size() < sockets) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + io.sockets().sockets().size() + " sockets connected");
            }
            Thread.sleep(10);
        }
        message = io.mapper().createObjectNode().put("id", "1795499127549-0").put("room", "room")
                .put("user", "bench-u345").put("text", "bench:7:1234:3:1795499127549.125").put("ts", 1795499127549L);
    }

    @Benchmark
    public long broadcastToRoom() throws Exception {
        io.sockets().to("room").emit("message", message);
        drainLoops();
        return framesWritten.sum();
    }

    /** Every loop runs the tasks queued before this marker: the deliveries of the broadcast. */
    private void drainLoops() throws Exception {
        for (EventExecutor loop : loops) {
            loop.submit(() -> { }).sync();
        }
    }

    /** Takes what the server writes as a socket would, without moving it anywhere: counts and releases it. */
    @ChannelHandler.Sharable
    private final class WrittenFrameSink extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            framesWritten.increment();
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        io.close();
        clients.forEach(channel -> channel.close().syncUninterruptibly());
        loops.shutdownGracefully(200, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
