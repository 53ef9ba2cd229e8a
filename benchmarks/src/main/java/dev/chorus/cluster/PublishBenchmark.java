package dev.chorus.cluster;

import dev.chorus.cluster.adapter.ClusterBus;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.cluster.store.RedisKeys;
import dev.chorus.cluster.store.RedisPublisher;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.message.Conversation;
import dev.chorus.core.message.Post;
import dev.chorus.core.message.Publication;
import dev.chorus.engine.sio.RecoveryOptions;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Redis publish path of a chat message in a cluster, against a real redis-server on loopback (no append-only
 * file, as the shared bench runs it): one script that
 * checks the sender's rate, appends the message to its room's history and its broadcast to the cluster stream, which
 * this node's reader reads back meanwhile (to a room with no sockets here). {@code one} is the time a sender waits
 * for its answer; {@code pipelined} the cost per message when 100 are in flight, as under load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class PublishBenchmark {
    private static final int IN_FLIGHT = 100;

    private RedisServer redis;
    private RedisBackbone backbone;
    private ClusterBus bus;
    private RedisPublisher publisher;
    private long sequence;

    @Setup
    public void start() throws Exception {
        redis = RedisServer.startInMemory();
        backbone = RedisBackbone.connect(redis.url());
        bus = ClusterBus.start(backbone, ClusterBus.Settings.defaults(), RecoveryOptions.defaults())
                .get(10, TimeUnit.SECONDS);
        new SocketIoServer(SocketIoOptions.builder().adapterFactory(bus.adapterFactory()).build()).sockets();
        publisher = new RedisPublisher(backbone, post -> bus.storedBroadcast("/", "message",
                List.of(post.conversation().key()), new ChatMessage(0, post.conversation().key(), post.user(),
                        post.text(), post.ts())), new RedisPublisher.Limits(1_000_000, 1_000_000, 1000,
                Duration.ofDays(1), Duration.ofMinutes(5)), Clock.systemUTC(), RedisKeys.DEFAULT_PREFIX);
    }

    @TearDown
    public void stop() {
        bus.close();
        backbone.close();
        redis.close();
    }

    @Benchmark
    public Publication one() {
        return publisher.publish(post()).join();
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public void pipelined() {
        CompletableFuture<?>[] sends = new CompletableFuture<?>[IN_FLIGHT];
        for (int i = 0; i < IN_FLIGHT; i++) {
            sends[i] = publisher.publish(post());
        }
        CompletableFuture.allOf(sends).join();
    }

    private Post post() {
        long n = sequence++;
        return new Post("bench-u" + (n % 100), new Conversation.Room("room-" + (n % 10)),
                "bench text of a typical chat message " + n, System.currentTimeMillis(), null);
    }
}
