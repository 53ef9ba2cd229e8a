package dev.chorus.cluster.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.engine.sio.Adapter;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.PersistedSession;
import dev.chorus.engine.sio.RecoveryOptions;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisStreamsAdapterRecoveryTest {
    private static RedisServer redis;
    private static RedisBackbone backbone;
    private static ClusterBus bus;
    private static Adapter adapter;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        backbone = RedisBackbone.connect(redis.url());
        bus = ClusterBus.start(backbone, ClusterBus.Settings.defaults(), RecoveryOptions.defaults())
                .get(10, TimeUnit.SECONDS);
        adapter = new SocketIoServer(SocketIoOptions.builder().recovery(RecoveryOptions.defaults())
                .adapterFactory(bus.adapterFactory()).build()).sockets().adapter();
    }

    @AfterAll
    static void stop() {
        bus.close();
        backbone.close();
        redis.close();
    }

    @Test
    void anAttemptTheClientGaveUpOnDoesNotSpendTheSession() throws Exception {
        String offset = bus.append("another-node", "/", MessageType.BROADCAST, ClusterCodec.streamData(
                ClusterCodec.broadcastData(JsonNodeFactory.instance.arrayNode().add("message"),
                        new BroadcastOptions(Set.of("lobby"), Set.of(), false, false))))
                .get(10, TimeUnit.SECONDS);
        PersistedSession session = new PersistedSession("sid-1", "pid-1", Set.of("sid-1", "lobby"),
                JsonNodeFactory.instance.objectNode().put("user", "alice"));
        adapter.persistSession(session).get(10, TimeUnit.SECONDS);

        PersistedSession first = adapter.restoreSession("pid-1", offset).get(10, TimeUnit.SECONDS);
        PersistedSession second = adapter.restoreSession("pid-1", offset).get(10, TimeUnit.SECONDS);

        assertThat(first).isNotNull();
        assertThat(second).as("the client's next attempt, on any node").isNotNull();
        assertThat(second.rooms()).containsExactlyInAnyOrder("sid-1", "lobby");
        assertThat(adapter.restoreSession("pid-1", "1-0").get(10, TimeUnit.SECONDS))
                .as("an offset the stream does not hold").isNull();
        assertThat(adapter.restoreSession("no-such-pid", offset).get(10, TimeUnit.SECONDS)).isNull();
    }
}
