package dev.chorus.cluster.store;

import dev.chorus.cluster.adapter.StoredBroadcast;
import dev.chorus.cluster.redis.LuaScript;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.core.message.Post;
import dev.chorus.core.message.Publication;
import dev.chorus.core.message.Publisher;
import dev.chorus.core.room.RoomNames;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Publishes a chat message in one round trip to Redis: one script checks the client key and the sender's token
 * bucket, appends the message to its conversation's history (which gives it its id) and appends the broadcast to the
 * cluster stream, from which every node — this one too — delivers it to its sockets in stream order.
 *
 * <p>The buckets are shared by the cluster ({@code <prefix>rate:<user>}: {@code ratePerSecond} tokens a second, at
 * most {@code burst} saved up); client keys are remembered for {@code rememberSent} ({@code <prefix>sent:<user>:<key>}).
 */
public final class RedisPublisher implements Publisher {
    /*
     * KEYS: bucket, history, cluster stream, client key ('' for none)[, both users' index of their direct
     * conversations]. ARGV after the limits: the client's id and the name the sender was sent as ('' for none), the
     * conversation's key. The time comes from the caller's clock, as for
     * the local limiter; a clock behind the bucket's refills nothing. History ids are the milliseconds of the append,
     * or one more than the conversation's last id when that is not smaller, so that they increase whichever node
     * appends. The append tries the milliseconds first and reads the last id only when Redis refuses them as not
     * above it, and trims by length in the same append: two calls fewer in Redis in the common case, where its
     * conversation's last message is older than a millisecond. The broadcast's append is the adapter's own
     * statement, which puts the id into its slot.
     */
    private static final int OWN_ARGS = 12;
    private static final String PUBLISH = """
            local now = tonumber(ARGV[1])
            if KEYS[4] ~= '' then
              local earlier = redis.call('GET', KEYS[4])
              if earlier then return {1, tonumber(earlier)} end
            end
            local rate = tonumber(ARGV[2])
            local burst = tonumber(ARGV[3])
            local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = math.min(burst, (tonumber(bucket[1]) or burst)
              + math.max(0, now - (tonumber(bucket[2]) or now)) * rate)
            if tokens < 1 then return {2, math.max(1, math.ceil((1 - tokens) / rate))} end
            tokens = tokens - 1
            redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((burst - tokens) / rate)))
            local fields = {'user', ARGV[4], 'text', ARGV[5], 'ts', ARGV[6]}
            if ARGV[10] ~= '' then table.insert(fields, 'cid') table.insert(fields, ARGV[10]) end
            if ARGV[11] ~= '' then table.insert(fields, 'as') table.insert(fields, ARGV[11]) end
            local id = ARGV[1]
            local added = redis.pcall('XADD', KEYS[2], 'MAXLEN', '=', ARGV[7], id .. '-0', unpack(fields))
            if type(added) == 'table' and added.err then
              local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)[1]
              local previous = last and tonumber(string.match(last[1], '^(%d+)')) or 0
              if previous < now then return added end
              id = string.format('%.0f', previous + 1)
              redis.call('XADD', KEYS[2], 'MAXLEN', '=', ARGV[7], id .. '-0', unpack(fields))
            end
            redis.call('XTRIM', KEYS[2], 'MINID', '=', string.format('%.0f', math.max(0, now - tonumber(ARGV[8]))))
            redis.call('PEXPIRE', KEYS[2], ARGV[8])
            for i = 5, 6 do
              if KEYS[i] then redis.call('ZADD', KEYS[i], id, ARGV[12]) end
            end
            if KEYS[4] ~= '' then redis.call('SET', KEYS[4], id, 'PX', ARGV[9]) end
            """ + StoredBroadcast.appendLua(3, OWN_ARGS + 1, "id") + """
            return {0, tonumber(id)}
            """;

    private final Function<Post, StoredBroadcast> broadcasts;
    private final Clock clock;
    private final String keyPrefix;
    private final String ratePerMilli;
    private final String burst;
    private final String maxPerConversation;
    private final String maxAgeMillis;
    private final String rememberSentMillis;
    private final LuaScript publish;

    /** The limits of a cluster's messages: the sender's rate, how much history is kept, how long client keys last. */
    public record Limits(double ratePerSecond, int burst, int maxPerConversation, Duration maxAge,
            Duration rememberSent) {
        public Limits {
            if (ratePerSecond <= 0 || burst < 1) {
                throw new IllegalArgumentException("rate and burst must be positive");
            }
            if (maxPerConversation < 1 || maxAge.toMillis() < 1) {
                throw new IllegalArgumentException("a conversation must keep at least one message for a while");
            }
        }
    }

    /**
     * @param broadcasts a message's broadcast to its recipients' sockets on every node, from the namespace's
     *                   {@link dev.chorus.cluster.adapter.ClusterBus#storedBroadcast}
     */
    public RedisPublisher(RedisBackbone redis, Function<Post, StoredBroadcast> broadcasts, Limits limits, Clock clock,
            String prefix) {
        this.broadcasts = broadcasts;
        this.clock = clock;
        this.keyPrefix = prefix;
        this.ratePerMilli = Double.toString(limits.ratePerSecond() / 1000.0);
        this.burst = Integer.toString(limits.burst());
        this.maxPerConversation = Integer.toString(limits.maxPerConversation());
        this.maxAgeMillis = Long.toString(limits.maxAge().toMillis());
        this.rememberSentMillis = Long.toString(limits.rememberSent().toMillis());
        this.publish = new LuaScript(redis.strings(), PUBLISH);
    }

    @Override
    public CompletableFuture<Publication> publish(Post post) {
        StoredBroadcast broadcast = broadcasts.apply(post);
        String conversation = post.conversation().key();
        String rateKey = keyPrefix + "rate:" + post.user();
        String historyKey = RedisHistoryStore.key(keyPrefix, conversation);
        List<String> keys = new ArrayList<>(List.of(rateKey, historyKey, broadcast.stream(),
                post.clientKey() == null ? "" : keyPrefix + "sent:" + post.user() + ":" + post.clientKey()));
        RoomNames.directUsers(conversation).forEach(user -> keys.add(RedisHistoryStore.directsKey(keyPrefix, user)));
        List<String> args = new ArrayList<>(OWN_ARGS + broadcast.args().size());
        Collections.addAll(args, Long.toString(clock.millis()), ratePerMilli, burst, post.user(), post.text(),
                Long.toString(post.ts()), maxPerConversation, maxAgeMillis, rememberSentMillis,
                post.clientId() == null ? "" : post.clientId(), post.sentAs() == null ? "" : post.sentAs(),
                conversation);
        args.addAll(broadcast.args());
        return publish.<List<Long>>run(ScriptOutputType.MULTI, keys.toArray(String[]::new),
                args.toArray(String[]::new))
                .thenApply(outcome -> {
                    long value = outcome.get(1);
                    return switch (outcome.get(0).intValue()) {
                        case 0 -> new Publication.Published(post.message(value));
                        case 1 -> new Publication.AlreadySent(value);
                        default -> new Publication.RateLimited(value);
                    };
                });
    }
}
