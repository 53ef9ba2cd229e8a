package dev.chorus.cluster.xmpp;

import dev.chorus.cluster.redis.LuaScript;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.cluster.registry.NodeRegistry;
import dev.chorus.xmpp.stream.ResumptionRecord;
import dev.chorus.xmpp.stream.ResumptionStore;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XMPP sessions a client may resume (XEP-0198), recorded in Redis by the node holding each: a hash
 * {@code <prefix>xmpp-sm:<id>} (the holding node, the user, the full address, the counts, the face's state) and a
 * list {@code <prefix>xmpp-sm:<id>:unacked} of the stanzas the client has not acknowledged, both living as long as
 * the session may be resumed. Only the node the hash names writes or deletes them. Another takes a session over once
 * its node released it — asked to on the channel {@code <prefix>xmpp-sm-handover}, or stopping — or is out of the
 * cluster: dead, and its purges run, so that the departures the purges tell come before the resumed resource is
 * back.
 */
public final class RedisResumptionStore implements ResumptionStore {
    private static final Logger log = LoggerFactory.getLogger(RedisResumptionStore.class);
    /** How often, and how long, a claim waits for the holding node to be out of the cluster. */
    private static final Duration CLAIM_POLL = Duration.ofMillis(100);
    private static final int CLAIM_POLLS = 100;
    /** The holding node of a released session: none. */
    private static final String RELEASED = "";
    /** Stanzas pushed per call of RPUSH: Lua's stack bounds how many arguments one call takes. */
    private static final int PUSH_CHUNK = 500;

    /** KEYS: hash, list. ARGV: node, lifetime ms, acknowledged, received, has state, state, stanzas... */
    private static final String WRITE = """
            local holder = redis.call('HGET', KEYS[1], 'node')
            if not holder then return 1 end
            if holder ~= ARGV[1] then return 0 end
            local acknowledged = tonumber(ARGV[3])
            if acknowledged > 0 then
              redis.call('LTRIM', KEYS[2], acknowledged, -1)
              local total = tonumber(redis.call('HGET', KEYS[1], 'acked') or '0')
              redis.call('HSET', KEYS[1], 'acked', (total + acknowledged) %% 4294967296)
            end
            redis.call('HSET', KEYS[1], 'in', ARGV[4])
            if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'state', ARGV[6]) end
            local i = 7
            while i <= #ARGV do
              local last = math.min(i + %d - 1, #ARGV)
              redis.call('RPUSH', KEYS[2], unpack(ARGV, i, last))
              i = last + 1
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            return 1
            """.formatted(PUSH_CHUNK);
    /** KEYS: hash, list. ARGV: node. */
    private static final String DELETE = """
            if redis.call('HGET', KEYS[1], 'node') == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) end
            return 1
            """;
    /** KEYS: hash. ARGV: node. */
    private static final String RELEASE = """
            if redis.call('HGET', KEYS[1], 'node') == ARGV[1] then redis.call('HSET', KEYS[1], 'node', '') end
            return 1
            """;
    /**
     * KEYS: hash, list. ARGV: claimant, the user (lower case), the holder it found gone, lifetime ms. Returns the
     * user, address, counts, state and unacknowledged stanzas, or nil.
     */
    private static final String CLAIM = """
            local found = redis.call('HMGET', KEYS[1], 'node', 'user', 'jid', 'in', 'acked', 'state')
            if not found[1] or found[1] ~= ARGV[3] or string.lower(found[2]) ~= ARGV[2] then return false end
            redis.call('HSET', KEYS[1], 'node', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            redis.call('PEXPIRE', KEYS[2], ARGV[4])
            return {found[2], found[3], found[4], found[5] or '0', found[6] or '', redis.call('LRANGE', KEYS[2], 0, -1)}
            """;

    private final RedisBackbone backbone;
    private final RedisAsyncCommands<String, String> redis;
    private final String prefix;
    private final String node;
    private final Duration lifetime;
    private final LuaScript write;
    private final LuaScript delete;
    private final LuaScript claim;
    private final LuaScript release;
    private final String handOverChannel;

    /**
     * @param node     this node's id in the cluster
     * @param lifetime how long a record lives after its last write: longer than a live stream stays silent (it
     *                 is pinged), plus the window in which a lost one may be resumed
     */
    public RedisResumptionStore(RedisBackbone backbone, String prefix, String node, Duration lifetime) {
        this.backbone = backbone;
        this.redis = backbone.strings();
        this.prefix = prefix;
        this.node = node;
        this.lifetime = lifetime;
        this.write = new LuaScript(redis, WRITE);
        this.delete = new LuaScript(redis, DELETE);
        this.claim = new LuaScript(redis, CLAIM);
        this.release = new LuaScript(redis, RELEASE);
        this.handOverChannel = prefix + "xmpp-sm-handover";
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public ResumptionRecord open(String id, String username, String jid) {
        String[] keys = keys(id);
        // Issued now, on the connection every later write of the record goes through: they follow it.
        redis.del(keys[1]);
        redis.hset(keys[0], Map.of("node", node, "user", username, "jid", jid, "in", "0", "acked", "0"));
        redis.pexpire(keys[0], lifetime.toMillis());
        return new Record(keys);
    }

    @Override
    public CompletableFuture<Recorded> claim(String id, String username) {
        String[] keys = keys(id);
        return redis.hmget(keys[0], "node", "user").toCompletableFuture().thenCompose(found -> {
            String holder = found.get(0).getValueOrElse(null);
            String user = found.get(1).getValueOrElse("");
            if (holder == null || holder.equals(node) || !user.equalsIgnoreCase(username)) {
                return CompletableFuture.completedFuture(null);
            }
            if (!holder.equals(RELEASED)) {
                redis.publish(handOverChannel, holder + " " + id);
            }
            return released(keys[0], holder, CLAIM_POLLS).thenCompose(from -> {
                if (from == null) {
                    log.warn("XMPP session {} of {} was not released by node {} in {} s: not taken over", id, username,
                            holder, CLAIM_POLL.multipliedBy(CLAIM_POLLS).toSeconds());
                    return CompletableFuture.completedFuture(null);
                }
                return claim.<List<Object>>run(ScriptOutputType.MULTI, keys, node,
                        username.toLowerCase(Locale.ROOT), from, Long.toString(lifetime.toMillis()))
                        // The script's false arrives as a list holding one null; a record has its six fields.
                        .thenApply(taken -> taken == null || taken.size() < 6 ? null : recorded(keys, taken));
            });
        });
    }

    /**
     * Waits for the holder to let the session go: released, or the holder out of the cluster.
     *
     * @return the holder the record names then ({@link #RELEASED} when released); null when neither came in time,
     *         or the record is gone or someone else's
     */
    private CompletableFuture<String> released(String hash, String holder, int polls) {
        CompletableFuture<String> named = redis.hget(hash, "node").toCompletableFuture();
        CompletableFuture<Boolean> listed = NodeRegistry.isListed(backbone, prefix, holder);
        return named.thenCombine(listed, Poll::new).thenCompose(poll -> {
            if (RELEASED.equals(poll.named())) {
                return CompletableFuture.completedFuture(RELEASED);
            }
            if (!holder.equals(poll.named())) {
                return CompletableFuture.completedFuture(null);
            }
            if (!poll.listed()) {
                return CompletableFuture.completedFuture(holder);
            }
            if (polls <= 1) {
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(CLAIM_POLL.toMillis(),
                    TimeUnit.MILLISECONDS)).thenCompose(waited -> released(hash, holder, polls - 1));
        });
    }

    /** What a poll of a claim found: the node the record names, and whether the holder is still listed. */
    private record Poll(String named, boolean listed) {
    }

    @Override
    public CompletableFuture<Void> release(String id) {
        return release.<Long>run(ScriptOutputType.INTEGER, new String[] {keys(id)[0]}, node)
                .thenApply(done -> null);
    }

    @Override
    public void onHandOver(Consumer<String> asked) {
        StatefulRedisPubSubConnection<String, byte[]> pubSub = backbone.pubSub();
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                if (!channel.equals(handOverChannel)) {
                    return;
                }
                String text = new String(message, StandardCharsets.UTF_8);
                int space = text.indexOf(' ');
                if (space > 0 && text.substring(0, space).equals(node)) {
                    asked.accept(text.substring(space + 1));
                }
            }
        });
        pubSub.async().subscribe(handOverChannel);
    }

    @SuppressWarnings("unchecked")
    private Recorded recorded(String[] keys, List<Object> found) {
        String state = (String) found.get(4);
        List<String> unacked = new ArrayList<>();
        ((List<Object>) found.get(5)).forEach(stanza -> unacked.add((String) stanza));
        return new Recorded((String) found.get(0), (String) found.get(1), Long.parseLong((String) found.get(2)),
                Long.parseLong((String) found.get(3)), unacked, state.isEmpty() ? null : state, new Record(keys));
    }

    private String[] keys(String id) {
        String hash = prefix + "xmpp-sm:" + id;
        return new String[] {hash, hash + ":unacked"};
    }

    /** One session's record, as this node writes it. */
    private final class Record implements ResumptionRecord {
        private final String[] keys;

        Record(String[] keys) {
            this.keys = keys;
        }

        @Override
        public CompletableFuture<Boolean> write(Change change) {
            List<String> args = new ArrayList<>(6 + change.sent().size());
            args.add(node);
            args.add(Long.toString(lifetime.toMillis()));
            args.add(Long.toString(change.acknowledged()));
            args.add(Long.toString(change.received()));
            args.add(change.state() == null ? "0" : "1");
            args.add(change.state() == null ? "" : change.state());
            args.addAll(change.sent());
            return write.<Long>run(ScriptOutputType.INTEGER, keys, args.toArray(String[]::new))
                    .thenApply(kept -> kept == 1L);
        }

        @Override
        public void delete() {
            delete.run(ScriptOutputType.INTEGER, keys, node).exceptionally(error -> {
                log.warn("the record {} of an ended XMPP session was not deleted; it expires", keys[0], error);
                return null;
            });
        }
    }
}
