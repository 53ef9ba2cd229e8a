package dev.chorus.cluster.adapter;

import dev.chorus.cluster.redis.LuaScript;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.engine.sio.AdapterFactory;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.RecoveryOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's share of the cluster's Socket.IO traffic, in the format of Node's {@code @socket.io/redis-streams-adapter}:
 * durable broadcasts go through one Redis stream that every node delivers in the same order, requests and volatile
 * broadcasts through pub/sub. The stream's entry ids are the recovery offsets, so a client can come back on any
 * node and be given what it missed from the stream.
 *
 * <p>A node hears the entries this cluster's nodes append on the stream's live channel, each with the id of the
 * one before it ({@link AnnouncedEntry}); it reads the stream itself only to fill a gap (announcements missed while
 * its connection was down, entries of Node.js adapters, which announce nothing) and, blocking, while the channel is
 * quiet. Delivery is one entry at a time under a lock, in stream order, each once; a recovering socket takes the
 * position under the same lock once it is in its rooms, so every entry is either in its replay or delivered to it
 * live.
 */
public final class ClusterBus implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterBus.class);
    private static final Duration READ_BLOCK = Duration.ofSeconds(5);
    private static final int READ_COUNT = 100;
    private static final Duration RETRY_READ_AFTER = Duration.ofMillis(500);
    /** How long the live channel stays silent before the node blocks on reading the stream again. */
    private static final Duration QUIET = Duration.ofMillis(100);
    private static final String APPEND = AnnouncedEntry.appendLua(1, 1, "ARGV[6]") + "return clusterEntry\n";
    /**
     * How long a node stays ready while it cannot read the stream (Redis restarting, say). Every node shares that
     * Redis: were each to say it is not ready at once, the proxy would turn every client away during a restart that
     * their requests can simply wait out, their Redis commands being held meanwhile.
     */
    static final Duration READY_THROUGH = Duration.ofSeconds(5);

    private final RedisBackbone redis;
    private final Settings settings;
    private final RecoveryOptions recovery;
    private final StatefulRedisConnection<String, String> reader;
    private final ScheduledExecutorService timer;
    private final Map<String, RedisStreamsAdapter> adapters = new ConcurrentHashMap<>();
    private final Object deliveryLock = new Object();
    private final LuaScript append;
    private final String liveChannel;
    /** Announcements heard while a gap is being filled, in order; empty otherwise. Under the delivery lock. */
    private final Deque<AnnouncedEntry> waiting = new ArrayDeque<>();
    /** Whether a gap is being read from the stream. Under the delivery lock. */
    private boolean filling;
    /** When the live channel last brought an entry (System.nanoTime). */
    private volatile long lastHeard = System.nanoTime() - QUIET.toNanos();
    private volatile StreamId position;
    private volatile boolean readerFailing;
    /** When this node last stopped being able to read the stream (System.nanoTime), or 0 while it reads. */
    private volatile long troubledSince;
    private volatile boolean closed;
    /** From publish (the entry's id, Redis' clock) to delivery here; none until {@link #instrument}. */
    private volatile Timer broadcastLatency;

    /**
     * @param streamName     the stream every node reads ({@code socket.io} for Node peers' defaults)
     * @param channelPrefix  the prefix of the pub/sub channels ({@code socket.io})
     * @param sessionPrefix  the prefix of recovery session keys ({@code sio:session:})
     * @param maxLength      entries the stream keeps (approximately): the recovery window in messages
     */
    public record Settings(String streamName, String channelPrefix, String sessionPrefix, long maxLength) {
        public static Settings defaults() {
            return new Settings("socket.io", "socket.io", "sio:session:", 100_000);
        }
    }

    private ClusterBus(RedisBackbone redis, Settings settings, RecoveryOptions recovery, StreamId start,
            StatefulRedisConnection<String, String> reader) {
        this.redis = redis;
        this.settings = settings;
        this.recovery = recovery;
        this.position = start;
        this.reader = reader;
        this.append = new LuaScript(redis.strings(), APPEND);
        this.liveChannel = liveChannel(settings);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "chorus-cluster-bus");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Joins the stream at its current end and starts following it. The live channel is subscribed to first: what is
     * announced before the end is read is behind the position, and what comes after is heard or read.
     */
    public static CompletableFuture<ClusterBus> start(RedisBackbone redis, Settings settings, RecoveryOptions recovery) {
        return redis.dedicatedConnection().thenCompose(reader -> redis.pubSub().async()
                .subscribe(liveChannel(settings)).toCompletableFuture()
                .thenCompose(subscribed -> redis.strings()
                        .xrevrange(settings.streamName(), Range.create("-", "+"), Limit.from(1)).toCompletableFuture())
                .thenApply(last -> {
                    StreamId start = last.isEmpty() ? StreamId.ZERO : StreamId.parse(last.get(0).getId());
                    ClusterBus bus = new ClusterBus(redis, settings, recovery, start, reader);
                    bus.listen();
                    bus.read();
                    bus.scheduleSessionRefresh();
                    return bus;
                })
                .whenComplete((bus, error) -> {
                    if (error != null) {
                        reader.closeAsync();
                    }
                }));
    }

    /** Creates the adapter of each namespace of the Socket.IO server. */
    public AdapterFactory adapterFactory() {
        return nsp -> {
            RedisStreamsAdapter adapter;
            // The adapter keeps the broadcasts delivered from where the reader is on: none may pass in between.
            synchronized (deliveryLock) {
                adapter = new RedisStreamsAdapter(nsp, this);
                adapters.put(nsp.name(), adapter);
            }
            redis.pubSub().async().subscribe(publicChannel(nsp.name()), privateChannel(nsp.name(), adapter.uid()),
                    settings.channelPrefix() + "-request#" + nsp.name() + "#");
            redis.pubSub().async().psubscribe(settings.channelPrefix() + "#" + nsp.name() + "#*");
            return adapter;
        };
    }

    /** Pub/sub: the stream's announced entries; cluster messages by channel; the emitter's broadcasts by pattern. */
    private void listen() {
        redis.pubSub().addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                if (channel.equals(liveChannel)) {
                    heard(message);
                    return;
                }
                adapterOfChannel(channel).ifPresent(adapter -> adapter.onChannelMessage(channel, message));
            }

            @Override
            public void message(String pattern, String channel, byte[] message) {
                adapterOfChannel(channel).ifPresent(adapter -> adapter.onClassicBroadcast(channel, message));
            }
        });
    }

    private Optional<RedisStreamsAdapter> adapterOfChannel(String channel) {
        int start = channel.indexOf('#');
        int end = start < 0 ? -1 : channel.indexOf('#', start + 1);
        if (end < 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(adapters.get(channel.substring(start + 1, end)));
    }

    /** Not under the channel prefix followed by {@code #}: the Node.js adapters' pattern subscriptions skip it. */
    private static String liveChannel(Settings settings) {
        return settings.channelPrefix() + "-entries#" + settings.streamName();
    }

    String publicChannel(String nsp) {
        return settings.channelPrefix() + "#" + nsp + "#";
    }

    String privateChannel(String nsp, String uid) {
        return settings.channelPrefix() + "#" + nsp + "#" + uid + "#";
    }

    String responseChannel(String nsp) {
        return settings.channelPrefix() + "-response#" + nsp + "#";
    }

    Settings settings() {
        return settings;
    }

    RecoveryOptions recovery() {
        return recovery;
    }

    RedisBackbone redis() {
        return redis;
    }

    /**
     * A durable broadcast of {@code event} with {@code payload} to the sockets in {@code rooms} of the namespace on
     * every node, for a store's script to append with its own writes; the payload's {@code id} is the script's to
     * fill in.
     */
    public StoredBroadcast storedBroadcast(String nsp, String event, Collection<String> rooms, Object payload) {
        RedisStreamsAdapter adapter = adapters.get(nsp);
        if (adapter == null) {
            throw new IllegalArgumentException("namespace " + nsp + " has no adapter in the cluster");
        }
        BroadcastOptions options = new BroadcastOptions(Set.copyOf(rooms), Set.of(), false, false);
        return new StoredBroadcast(settings.streamName(), settings.maxLength(), adapter.uid(), nsp, liveChannel,
                ClusterCodec.broadcastWithIdSlot(event, payload, options));
    }

    /** Appends a durable message to the stream and announces it. @return the entry's id */
    CompletableFuture<String> append(String uid, String nsp, MessageType type, String data) {
        return append.run(ScriptOutputType.VALUE, new String[] {settings.streamName()},
                Long.toString(settings.maxLength()), uid, nsp, type.field(), liveChannel, data);
    }

    /** An announcement: delivered when it follows the position, after what the stream holds before it otherwise. */
    private void heard(byte[] message) {
        AnnouncedEntry entry;
        try {
            entry = AnnouncedEntry.read(message);
        } catch (IOException | RuntimeException e) {
            log.warn("cluster stream {}: an announcement on {} skipped, it could not be read", settings.streamName(),
                    liveChannel, e);
            return;
        }
        lastHeard = System.nanoTime();
        synchronized (deliveryLock) {
            if (!closed) {
                follow(entry);
            }
        }
    }

    /** Under the delivery lock. */
    private void follow(AnnouncedEntry entry) {
        if (filling) {
            waiting.add(entry);
        } else if (entry.id().compareTo(position) > 0) {
            if (entry.previous().equals(position)) {
                deliver(entry.id().toString(), entry.fields());
            } else {
                filling = true;
                waiting.addFirst(entry);
                fillGap();
            }
        }
    }

    /**
     * Reads what the stream holds after the position, up to its end, then takes up the announcements heard
     * meanwhile. Under the delivery lock, with {@link #filling} set.
     */
    private void fillGap() {
        StreamId from = position;
        redis.strings().xrange(settings.streamName(), Range.from(Range.Boundary.excluding(from.toString()),
                Range.Boundary.unbounded()), Limit.from(READ_COUNT)).whenComplete((entries, error) -> {
                    synchronized (deliveryLock) {
                        if (closed) {
                            return;
                        }
                        if (error != null) {
                            readFailed(error);
                            timer.schedule(this::fillGapAgain, RETRY_READ_AFTER.toMillis(), TimeUnit.MILLISECONDS);
                            return;
                        }
                        readAgain(from);
                        entries.forEach(this::deliverIfNext);
                        if (entries.size() == READ_COUNT) {
                            fillGap();
                            return;
                        }
                        filling = false;
                        while (!filling && !waiting.isEmpty()) {
                            follow(waiting.poll());
                        }
                    }
                });
    }

    private void fillGapAgain() {
        synchronized (deliveryLock) {
            if (!closed) {
                fillGap();
            }
        }
    }

    /**
     * Reads the stream, blocking, while the live channel is quiet: the entries that nothing announces, and the first
     * after a quiet spell, come this way. While entries are heard, it waits for the next quiet spell instead.
     */
    @SuppressWarnings("unchecked")
    private void read() {
        if (closed) {
            return;
        }
        long sinceHeard = System.nanoTime() - lastHeard;
        if (sinceHeard < QUIET.toNanos()) {
            timer.schedule(this::read, QUIET.toNanos() - sinceHeard, TimeUnit.NANOSECONDS);
            return;
        }
        StreamId from = position;
        reader.async().xread(XReadArgs.Builder.block(READ_BLOCK).count(READ_COUNT),
                StreamOffset.from(settings.streamName(), from.toString())).whenComplete((entries, error) -> {
                    if (closed) {
                        return;
                    }
                    if (error != null) {
                        readFailed(error);
                        timer.schedule(this::read, RETRY_READ_AFTER.toMillis(), TimeUnit.MILLISECONDS);
                        return;
                    }
                    readAgain(from);
                    if (entries != null) {
                        synchronized (deliveryLock) {
                            entries.forEach(this::deliverIfNext);
                        }
                    }
                    read();
                });
    }

    /** Said once, until a read succeeds again. */
    private void readFailed(Throwable error) {
        if (!readerFailing) {
            readerFailing = true;
            troubled();
            log.warn("cluster stream {}: reading failed, retrying: {}", settings.streamName(), error.toString());
        }
    }

    private void readAgain(StreamId from) {
        if (readerFailing) {
            readerFailing = false;
            troubledSince = 0;
            log.info("cluster stream {}: reading again from {}", settings.streamName(), from);
        }
    }

    /**
     * An entry of a read, which holds every entry from somewhere at or before the position on: delivered unless the
     * position is past it already. Under the delivery lock.
     */
    private void deliverIfNext(StreamMessage<String, String> entry) {
        StreamId id = StreamId.parse(entry.getId());
        if (id == null || id.compareTo(position) > 0) {
            deliver(entry.getId(), entry.getBody());
        }
    }

    /** Under the delivery lock. */
    private void deliver(String entryId, Map<String, String> body) {
        StreamId id = StreamId.parse(entryId);
        try {
            String nsp = body.get("nsp");
            RedisStreamsAdapter adapter = nsp == null ? null : adapters.get(nsp);
            if (adapter != null) {
                adapter.onStreamEntry(entryId, body);
                Timer latency = broadcastLatency;
                if (latency != null && id != null) {
                    latency.record(Math.max(0, System.currentTimeMillis() - id.millis()), TimeUnit.MILLISECONDS);
                }
            }
        } catch (RuntimeException e) {
            log.warn("cluster stream {}: entry {} skipped, it could not be handled", settings.streamName(), entryId, e);
        } finally {
            if (id != null) {
                position = id;
            }
        }
    }

    /** Records each broadcast's latency, publish to local delivery, as {@code chorus.broadcast.latency}. */
    public void instrument(MeterRegistry registry) {
        broadcastLatency = Timer.builder("chorus.broadcast.latency")
                .description("From a broadcast's publish in Redis to its delivery to this node's sockets")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** Where the reader is: every entry up to here has been delivered to the sockets in their rooms then. */
    StreamId positionAfterDelivery() {
        synchronized (deliveryLock) {
            return position;
        }
    }

    /**
     * Whether the node takes part in the cluster now: the stream being read, or not for less than
     * {@link #READY_THROUGH}.
     */
    public boolean isReady() {
        if (closed) {
            return false;
        }
        if (redis.isUp() && !readerFailing && reader.isOpen()) {
            troubledSince = 0;
            return true;
        }
        return System.nanoTime() - troubled() < READY_THROUGH.toNanos();
    }

    /** @return since when this node cannot read the stream, from now if it was not known yet */
    private long troubled() {
        long since = troubledSince;
        if (since == 0) {
            since = System.nanoTime() | 1;
            troubledSince = since;
        }
        return since;
    }

    /**
     * Live sockets keep their recovery sessions in Redis for as long as they live, with a lifetime refreshed well
     * before it ends: a node that dies leaves every session recoverable for at least the recovery window.
     */
    private void scheduleSessionRefresh() {
        long every = sessionRefreshEvery().toMillis();
        timer.scheduleWithFixedDelay(() -> adapters.values().forEach(RedisStreamsAdapter::refreshLiveSessions),
                every, every, TimeUnit.MILLISECONDS);
    }

    Duration sessionRefreshEvery() {
        Duration third = recovery.maxDisconnectionDuration().dividedBy(3);
        return third.compareTo(Duration.ofSeconds(30)) < 0 ? third : Duration.ofSeconds(30);
    }

    /** How long a live socket's session key lives without a refresh. */
    Duration liveSessionLifetime() {
        return recovery.maxDisconnectionDuration().plus(sessionRefreshEvery());
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        reader.close();
    }
}
