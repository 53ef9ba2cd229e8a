package dev.chorus.cluster.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.event.command.CommandFailedEvent;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.connection.ConnectedEvent;
import io.lettuce.core.event.connection.DisconnectedEvent;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.NettyCustomizer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's connections to Redis, all asynchronous and shared: commands go out pipelined on one connection per codec,
 * pub/sub on its own, and every blocking read (XREAD BLOCK) gets a connection of its own so that it holds up nothing
 * else. Lettuce reconnects by itself with a capped exponential backoff; commands issued meanwhile wait for the
 * connection (up to the command timeout) rather than fail at once.
 */
public final class RedisBackbone implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisBackbone.class);
    /** How long a command may wait for Redis, reconnection included, before its caller is told it failed. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The longest pause between two attempts to reach a Redis that went away. Short: until the stream is read again
     * the node is not ready, and once every node of a cluster says so the proxy turns every client away; an attempt
     * that finds Redis still down costs one refused connection.
     */
    private static final Duration RECONNECT_AT_MOST_EVERY = Duration.ofMillis(500);
    private static final Duration SHUTDOWN_QUIET = Duration.ofMillis(100);
    private static final RedisCodec<String, byte[]> BYTES = RedisCodec.of(Utf8Strings.INSTANCE,
            ByteArrayCodec.INSTANCE);

    private volatile Counter disconnects;
    private volatile Counter heldWhileLoading;
    /** When commands were last held, to say so once per restart of Redis rather than once per connection. */
    private volatile long heldSaidAt = System.nanoTime() - COMMAND_TIMEOUT.toNanos();
    private final RedisAsyncCommands<String, String> stringCommands;
    private final RedisAsyncCommands<String, byte[]> byteCommands;
    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> strings;
    private final StatefulRedisConnection<String, byte[]> bytes;
    private final StatefulRedisPubSubConnection<String, byte[]> pubSub;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private volatile boolean closing;

    private RedisBackbone(RedisURI uri, ClientResources resources, RedisClient client,
            StatefulRedisConnection<String, String> strings, StatefulRedisConnection<String, byte[]> bytes,
            StatefulRedisPubSubConnection<String, byte[]> pubSub) {
        this.uri = uri;
        this.resources = resources;
        this.client = client;
        this.strings = strings;
        this.bytes = bytes;
        this.pubSub = pubSub;
        HeldWhileLoading.Listener loading = new HeldWhileLoading.Listener() {
            @Override
            public void holdStarted(String why) {
                long now = System.nanoTime();
                if (now - heldSaidAt > COMMAND_TIMEOUT.toNanos()) {
                    heldSaidAt = now;
                    log.warn("redis {}: {}; commands are held and sent again once it answers", describe(), why);
                }
            }

            @Override
            public void commandHeld() {
                Counter counter = heldWhileLoading;
                if (counter != null) {
                    counter.increment();
                }
            }
        };
        this.stringCommands = HeldWhileLoading.wrap(strings.async(), resources.eventExecutorGroup(), COMMAND_TIMEOUT,
                loading);
        this.byteCommands = HeldWhileLoading.wrap(bytes.async(), resources.eventExecutorGroup(), COMMAND_TIMEOUT,
                loading);
    }

    /**
     * Reads a Redis URL as {@link #connect(String)} would, without connecting: a bad one stops a node before it
     * starts, not at its first reconnect.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static void checkUrl(String url) {
        RedisURI uri = RedisURI.create(url);
        if (uri.getHost() == null && uri.getSocket() == null && uri.getSentinels().isEmpty()) {
            throw new IllegalArgumentException("names no host");
        }
    }

    /**
     * Connects to the Redis a URL names: {@code redis://[:password@]host:port[/database]}, {@code rediss://} for TLS.
     *
     * @throws io.lettuce.core.RedisConnectionException when Redis cannot be reached now
     */
    public static RedisBackbone connect(String url) {
        return connect(url, null, null);
    }

    /**
     * Connects with the connections on the server's own event loops: a Redis answer is then handled on a thread that
     * serves clients too, often the very one whose client it concerns, rather than handed from Lettuce's threads to
     * the server's and back for every message.
     *
     * @param loops  the server's event loops, which stay the caller's to shut down; null for Lettuce's own
     * @param meters where round trips, failed commands and lost connections are recorded
     *               ({@code chorus.redis.*}, {@code lettuce.command.*}); null for nowhere
     */
    public static RedisBackbone connect(String url, EventLoopGroup loops, MeterRegistry meters) {
        RedisURI uri = RedisURI.create(url);
        RedisClient client = client(uri, loops, meters);
        try {
            return open(uri, client, meters);
        } catch (RuntimeException e) {
            shutDown(client);
            throw e;
        }
    }

    /** A client whose connections run on {@code loops}, with its own resources, not connected yet. */
    private static RedisClient client(RedisURI uri, EventLoopGroup loops, MeterRegistry meters) {
        ClientResources.Builder builder = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), RECONNECT_AT_MOST_EVERY, 2,
                        TimeUnit.MILLISECONDS));
        if (loops != null) {
            builder.eventLoopGroupProvider(new SharedEventLoops(loops));
        }
        builder.nettyCustomizer(new NettyCustomizer() {
            @Override
            public void afterChannelInitialized(Channel channel) {
                // Lettuce flushes every command: under load, a write to the socket and a read in Redis for each.
                // The commands of one turn of the event loop (a batch of answers read, the tasks queued) go in one.
                channel.pipeline().addFirst(new FlushConsolidationHandler(
                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
            }
        });
        if (meters != null) {
            // Lettuce's own timers, lettuce.command.completion and .firstresponse by command and Redis address.
            // Blocking reads (XREAD BLOCK) wait on purpose: their times are the wait.
            builder.commandLatencyRecorder(new MicrometerCommandLatencyRecorder(meters,
                    MicrometerOptions.builder().histogram(true).localDistinction(false).build()));
        }
        RedisClient client = RedisClient.create(builder.build(), uri);
        if (meters != null) {
            // Before the connections: a listener only sees the commands of connections made after it.
            client.addListener(new FailedCommands(meters));
        }
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        return client;
    }

    /** Opens the shared connections; those already open are closed again if one of them cannot be. */
    private static RedisBackbone open(RedisURI uri, RedisClient client, MeterRegistry meters) {
        List<StatefulConnection<?, ?>> opened = new ArrayList<>();
        try {
            StatefulRedisConnection<String, String> strings = client.connect(Utf8Strings.INSTANCE);
            opened.add(strings);
            StatefulRedisConnection<String, byte[]> bytes = client.connect(BYTES);
            opened.add(bytes);
            StatefulRedisPubSubConnection<String, byte[]> pubSub = client.connectPubSub(BYTES);
            RedisBackbone backbone = new RedisBackbone(uri, client.getResources(), client, strings, bytes, pubSub);
            backbone.watchConnection();
            if (meters != null) {
                backbone.watchUp(meters);
            }
            return backbone;
        } catch (RuntimeException e) {
            opened.forEach(StatefulConnection::close);
            throw e;
        }
    }

    private static void shutDown(RedisClient client) {
        ClientResources resources = client.getResources();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        // A quiet moment first: the connections' last events (closed, on the server's loops) still reach the event
        // bus instead of a shut-down executor, which Reactor would report as an error.
        resources.shutdown(SHUTDOWN_QUIET.toMillis(), 2000, TimeUnit.MILLISECONDS);
    }

    /** Lends Lettuce event loops it does not own: releasing and shutting down leave them running. */
    private record SharedEventLoops(EventLoopGroup loops) implements EventLoopGroupProvider {
        @Override
        @SuppressWarnings("unchecked")
        public <T extends EventLoopGroup> T allocate(Class<T> type) {
            if (!type.isInstance(loops)) {
                throw new IllegalArgumentException("Lettuce wants " + type.getName() + " event loops, the server has "
                        + loops.getClass().getName());
            }
            return (T) loops;
        }

        @Override
        public int threadPoolSize() {
            int count = 0;
            for (EventExecutor ignored : loops) {
                count++;
            }
            return count;
        }

        @Override
        public Future<Boolean> release(EventExecutorGroup group, long quietPeriod, long timeout, TimeUnit unit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }

        @Override
        public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }
    }

    /**
     * Counts lost connections and says whether Redis is reachable now ({@code chorus.redis.up}); the commands'
     * meters are set up by {@link #connect(String, EventLoopGroup, MeterRegistry)}.
     */
    private void watchUp(MeterRegistry registry) {
        disconnects = Counter.builder("chorus.redis.disconnects")
                .description("Times the connection to Redis was lost").register(registry);
        heldWhileLoading = Counter.builder("chorus.redis.held")
                .description("Commands held and sent again: refused while Redis loaded its data, or under a lost "
                        + "connection")
                .register(registry);
        Gauge.builder("chorus.redis.up", this, backbone -> backbone.isUp() ? 1 : 0)
                .description("1 while every connection to Redis is open").register(registry);
    }

    /** Counts the commands that failed ({@code chorus.redis.errors}), which Lettuce's timers do not tell apart. */
    private static final class FailedCommands implements CommandListener {
        private final MeterRegistry registry;

        FailedCommands(MeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public void commandFailed(CommandFailedEvent event) {
            Counter.builder("chorus.redis.errors")
                    .description("Redis commands that failed: an error from Redis, or a lost connection")
                    .tag("command", event.getCommand().getType().toString())
                    .register(registry)
                    .increment();
        }
    }

    /** Logs once when Redis goes away and once when it is back, not once per connection. */
    private void watchConnection() {
        resources.eventBus().get().subscribe(event -> {
            if (event instanceof DisconnectedEvent && !closing && up.compareAndSet(true, false)) {
                log.warn("redis {}: connection lost, reconnecting", describe());
                Counter lost = disconnects;
                if (lost != null) {
                    lost.increment();
                }
            } else if (event instanceof ConnectedEvent && !up.get() && strings.isOpen() && bytes.isOpen()
                    && pubSub.isOpen() && up.compareAndSet(false, true)) {
                log.info("redis {}: connection back", describe());
            }
        });
    }

    /** Whether every shared connection is open now. */
    public boolean isUp() {
        return strings.isOpen() && bytes.isOpen() && pubSub.isOpen();
    }

    public RedisAsyncCommands<String, String> strings() {
        return stringCommands;
    }

    public RedisAsyncCommands<String, byte[]> bytes() {
        return byteCommands;
    }

    public StatefulRedisPubSubConnection<String, byte[]> pubSub() {
        return pubSub;
    }

    /**
     * A connection of its own, for blocking reads; the caller closes it. Made without waiting, as it may be asked for
     * on one of Lettuce's threads, which a connection being made needs.
     */
    public CompletableFuture<StatefulRedisConnection<String, String>> dedicatedConnection() {
        return client.connectAsync(Utf8Strings.INSTANCE, uri).toCompletableFuture().thenApply(connection -> {
            // A blocking read waits longer than the command timeout on purpose.
            connection.setTimeout(Duration.ofMinutes(1));
            return connection;
        });
    }

    /** host:port/database, without the password. */
    public String describe() {
        return describe(uri);
    }

    /** What {@link #describe()} says of the Redis a URL names. */
    public static String describe(String url) {
        return describe(RedisURI.create(url));
    }

    private static String describe(RedisURI uri) {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
    }

    /**
     * Connects as {@link #connect(String, EventLoopGroup, MeterRegistry)} does, and while Redis cannot be reached,
     * tries again with a growing pause: a node started before its Redis, or while Redis restarts, waits for it. A
     * Redis that answers with an error (a wrong password, say) is not waited for.
     *
     * @param waiting told, once, that Redis could not be reached and why
     */
    public static RedisBackbone connectWhenReachable(String url, EventLoopGroup loops, MeterRegistry meters,
            Consumer<Throwable> waiting) throws InterruptedException {
        RedisURI uri = RedisURI.create(url);
        // One client for every attempt: its resources stay up while it waits, so nothing it was still telling of a
        // failed attempt is dropped on a shut-down executor.
        RedisClient client = client(uri, loops, meters);
        try {
            long pauseMillis = 100;
            boolean told = false;
            while (true) {
                try {
                    return open(uri, client, meters);
                } catch (RedisConnectionException e) {
                    if (answeredWithAnError(e)) {
                        throw e;
                    }
                    if (!told) {
                        told = true;
                        waiting.accept(e);
                    }
                    Thread.sleep(pauseMillis);
                    pauseMillis = Math.min(pauseMillis * 2, RECONNECT_AT_MOST_EVERY.toMillis());
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            shutDown(client);
            throw e;
        }
    }

    private static boolean answeredWithAnError(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof RedisCommandExecutionException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        closing = true;
        pubSub.close();
        bytes.close();
        strings.close();
        shutDown(client);
    }
}
