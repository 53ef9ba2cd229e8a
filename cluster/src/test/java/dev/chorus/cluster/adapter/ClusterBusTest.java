package dev.chorus.cluster.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.RecoveryOptions;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How a node follows the cluster stream: announced entries heard, the others read, each delivered once, in order. */
class ClusterBusTest {
    private static final String DATA = ClusterCodec.streamData(ClusterCodec.broadcastData(
            JsonNodeFactory.instance.arrayNode().add("message"),
            new BroadcastOptions(Set.of("lobby"), Set.of(), false, false)));

    private static RedisServer redis;
    private static RedisBackbone backbone;
    private ClusterBus bus;
    private SimpleMeterRegistry meters;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
        backbone = RedisBackbone.connect(redis.url());
    }

    @AfterAll
    static void stopRedis() {
        backbone.close();
        redis.close();
    }

    @BeforeEach
    void joinTheCluster() throws Exception {
        backbone.strings().flushall().toCompletableFuture().get(10, TimeUnit.SECONDS);
        bus = ClusterBus.start(backbone, ClusterBus.Settings.defaults(), RecoveryOptions.defaults())
                .get(10, TimeUnit.SECONDS);
        new SocketIoServer(SocketIoOptions.builder().adapterFactory(bus.adapterFactory()).build()).sockets();
        meters = new SimpleMeterRegistry();
        bus.instrument(meters);
    }

    @AfterEach
    void leave() {
        bus.close();
    }

    @Test
    void entriesAppendedOneAfterAnotherAreHeardAsTheyComeNotReadEachTime() throws Exception {
        backbone.strings().configResetstat().toCompletableFuture().get(10, TimeUnit.SECONDS);

        String last = appendBackToBack(200);

        assertThat(delivered()).as("delivered while the appends went on").isGreaterThanOrEqualTo(100);
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered() == 200);
        assertThat(bus.positionAfterDelivery()).isEqualTo(StreamId.parse(last));
        assertThat(calls("xread")).as("blocking reads of the stream for 200 entries").isLessThanOrEqualTo(10);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> delivered() == 200);
    }

    @Test
    void anEntryNothingAnnouncesIsReadFromTheStream() throws Exception {
        String id = appendUnannounced();

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered() == 1);
        assertThat(bus.positionAfterDelivery()).isEqualTo(StreamId.parse(id));
    }

    @Test
    void anAnnouncedEntryAfterAnUnannouncedOneComesAfterIt() throws Exception {
        bus.append("another-node", "/", MessageType.BROADCAST, DATA).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered() == 1);

        appendUnannounced();
        String announced = bus.append("another-node", "/", MessageType.BROADCAST, DATA).get(10, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered() == 3);
        assertThat(bus.positionAfterDelivery()).isEqualTo(StreamId.parse(announced));

        String last = appendBackToBack(200);
        assertThat(delivered()).as("heard again once the gap was filled").isGreaterThanOrEqualTo(103);
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered() == 203);
        assertThat(bus.positionAfterDelivery()).isEqualTo(StreamId.parse(last));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> delivered() == 203);
    }

    /** Appends entries a millisecond apart, never leaving the live channel quiet. @return the last one's id */
    private String appendBackToBack(int count) throws Exception {
        String last = null;
        for (int i = 0; i < count; i++) {
            last = bus.append("another-node", "/", MessageType.BROADCAST, DATA).get(10, TimeUnit.SECONDS);
            Thread.sleep(1);
        }
        return last;
    }

    /** What a Node.js adapter appends: the entry alone. */
    private String appendUnannounced() throws Exception {
        return backbone.strings().xadd("socket.io", "uid", "node-peer", "nsp", "/", "type",
                MessageType.BROADCAST.field(), "data", DATA).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private long delivered() {
        return meters.get("chorus.broadcast.latency").timer().count();
    }

    private long calls(String command) throws Exception {
        String stats = backbone.strings().info("commandstats").toCompletableFuture().get(10, TimeUnit.SECONDS);
        Matcher calls = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(stats);
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }
}
