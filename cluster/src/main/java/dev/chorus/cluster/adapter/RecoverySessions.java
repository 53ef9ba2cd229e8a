package dev.chorus.cluster.adapter;

import dev.chorus.cluster.redis.LuaScript;
import dev.chorus.engine.sio.PersistedSession;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The recovery sessions of a namespace's sockets in Redis, each with its owner: the adapter whose socket it
 * describes. The session itself stays in Node's format under {@code <prefix><pid>}; the owner, an adapter's uid, sits
 * beside it under {@code <prefix><pid>:owner} with the same lifetime.
 *
 * <p>A recovery claims the session, whoever held it. From then on only the claimant writes or deletes it: a socket
 * its client left behind on another node (or on this one) may still live for a heartbeat timeout, and whatever it
 * does then — join, leave, close — must not make the session describe it instead of the live socket.
 */
final class RecoverySessions {
    /**
     * KEYS: session, owner, stream. ARGV: offset, claimant, lifetime in ms. Returns {session, previous owner or ""} or
     * nil.
     */
    private static final String CLAIM = """
            local session = redis.call('GET', KEYS[1])
            if not session then return false end
            if #redis.call('XRANGE', KEYS[3], ARGV[1], ARGV[1]) == 0 then return false end
            local previous = redis.call('GET', KEYS[2]) or ''
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
            return {session, previous}
            """;
    /** KEYS: session, owner. ARGV: encoded session, writer, lifetime in ms. Returns 1 when written. */
    private static final String SAVE = """
            local owner = redis.call('GET', KEYS[2])
            if owner and owner ~= ARGV[2] then return 0 end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
            redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
            return 1
            """;
    /** KEYS: session, owner. ARGV: deleter. Returns 1 when deleted. */
    private static final String DROP = """
            local owner = redis.call('GET', KEYS[2])
            if owner and owner ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1], KEYS[2])
            return 1
            """;

    /** A claimed session and who owned it before: null when nobody did, or this adapter. */
    record Claimed(PersistedSession session, String previousOwner) {
    }

    private final RedisAsyncCommands<String, String> redis;
    private final String prefix;
    private final String stream;
    private final String owner;
    private final LuaScript claim;
    private final LuaScript save;
    private final LuaScript drop;

    RecoverySessions(RedisAsyncCommands<String, String> redis, String prefix, String stream, String owner) {
        this.redis = redis;
        this.prefix = prefix;
        this.stream = stream;
        this.owner = owner;
        this.claim = new LuaScript(redis, CLAIM);
        this.save = new LuaScript(redis, SAVE);
        this.drop = new LuaScript(redis, DROP);
    }

    /**
     * Makes this adapter the owner of a session whose client's offset the stream still holds, the session and its
     * owner living {@code lifetime} from now: the socket restored from it is a live one, whose session, unchanged,
     * need not be written again.
     *
     * @return the session and its previous owner, or null when the session or the offset is gone
     */
    CompletableFuture<Claimed> claim(String pid, String offset, Duration lifetime) {
        String[] keys = {prefix + pid, ownerKey(pid), stream};
        return claim.<List<Object>>run(ScriptOutputType.MULTI, keys, offset, owner,
                Long.toString(lifetime.toMillis())).thenApply(reply -> {
            if (reply == null || reply.size() < 2) {
                return null;
            }
            String previous = (String) reply.get(1);
            return new Claimed(ClusterCodec.decodeSession((String) reply.get(0)),
                    previous.isEmpty() || previous.equals(owner) ? null : previous);
        });
    }

    /** @return false when another adapter owns the session: its socket is the live one */
    CompletableFuture<Boolean> save(PersistedSession session, Duration lifetime) {
        return save.<Long>run(ScriptOutputType.INTEGER, keys(session.pid()), ClusterCodec.encodeSession(session),
                owner, Long.toString(lifetime.toMillis())).thenApply(written -> written == 1L);
    }

    /** Deletes the session unless another adapter owns it. */
    CompletableFuture<Boolean> drop(String pid) {
        return drop.<Long>run(ScriptOutputType.INTEGER, keys(pid), owner).thenApply(deleted -> deleted == 1L);
    }

    /** Extends the lifetime of live sockets' sessions; pipelined, as the connection sends commands in order. */
    void refresh(Collection<String> pids, Duration lifetime) {
        long millis = lifetime.toMillis();
        for (String pid : pids) {
            redis.pexpire(prefix + pid, millis);
            redis.pexpire(ownerKey(pid), millis);
        }
    }

    private String[] keys(String pid) {
        return new String[] {prefix + pid, ownerKey(pid)};
    }

    private String ownerKey(String pid) {
        return prefix + pid + ":owner";
    }
}
