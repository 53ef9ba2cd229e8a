package dev.chorus.engine.sio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.testsupport.WsClient;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A broadcast from another thread that lands while a socket is being recovered, after it rejoined its rooms and
 * before the replay is read, is in the replay and must not also be delivered live.
 */
class RecoveryRaceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventLoopGroup group;
    private SocketIoServer io;
    private int port;
    /** Armed by the test: the next replay is preceded by a broadcast from another thread. */
    private final AtomicBoolean raceNextReplay = new AtomicBoolean();

    @BeforeEach
    void start() throws InterruptedException {
        RecoveryOptions recovery = RecoveryOptions.defaults();
        io = new SocketIoServer(SocketIoOptions.builder()
                .engine(EngineOptions.builder().path("/socket.io").build())
                .recovery(recovery)
                .adapterFactory(nsp -> new InMemoryAdapter(nsp, recovery, Clock.systemUTC()) {
                    @Override
                    public CompletableFuture<List<ReplayedPacket>> replay(PersistedSession session, String offset) {
                        if (raceNextReplay.getAndSet(false)) {
                            CompletableFuture.runAsync(() -> nsp.to("r").emit("news", "raced")).join();
                        }
                        return super.replay(session, offset);
                    }
                })
                .build());
        io.sockets().onConnection(socket -> socket.join("r"));
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                io.httpHandler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        port = ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @AfterEach
    void stop() {
        io.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aBroadcastRacingTheReplayArrivesOnce() throws Exception {
        WsClient first = open(port);
        first.send("40");
        JsonNode ack = json(first.nextText().substring(2));
        io.sockets().to("r").emit("news", "before");
        JsonNode before = json(first.nextText().substring(2));
        String offset = before.get(2).asText();
        first.close();
        awaitPersisted();

        raceNextReplay.set(true);
        WsClient second = open(port);
        second.send("40" + MAPPER.createObjectNode().put("pid", ack.get("pid").asText()).put("offset", offset));
        assertThat(json(second.nextText().substring(2)).get(1).asText()).isEqualTo("raced");
        JsonNode recovered = json(second.nextText().substring(2));
        assertThat(recovered.get("sid").asText()).as("recovered").isEqualTo(ack.get("sid").asText());
        io.sockets().to("r").emit("news", "after");
        assertThat(json(second.nextText().substring(2)).get(1).asText()).as("next event, not the raced one again")
                .isEqualTo("after");
        second.close();
    }

    /** The session is persisted when the server notices the connection is gone. */
    private void awaitPersisted() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (io.engine().sessionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(io.engine().sessionCount()).isZero();
    }

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    /** An Engine.IO WebSocket connection, its open packet read. */
    private static WsClient open(int port) {
        WsClient client = WsClient.connect(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"));
        assertThat(client.nextText()).startsWith("0{");
        return client;
    }
}
