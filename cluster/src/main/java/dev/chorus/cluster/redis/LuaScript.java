package dev.chorus.cluster.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script, the way to make several steps on Redis one atomic step in one round trip. It is loaded once and then
 * called by its SHA1, so that its text does not travel with every call; when Redis has forgotten it (a restart, a
 * failover) the call that hears NOSCRIPT sends the text once more, which loads it again.
 */
public final class LuaScript {
    private final RedisAsyncCommands<String, String> redis;
    private final String source;
    private final String sha;

    /** Loads the script; the load needs no waiting for, as commands on the shared connection run in order. */
    public LuaScript(RedisAsyncCommands<String, String> redis, String source) {
        this.redis = redis;
        this.source = source;
        this.sha = redis.digest(source);
        // A failed load costs nothing more than a NOSCRIPT answer to the first call, which sends the text then.
        redis.scriptLoad(source).exceptionally(error -> null);
    }

    /**
     * Runs the script. Only the fallback after a NOSCRIPT goes out later than calls issued after this one: the order
     * of calls holds except right after Redis lost its scripts.
     */
    public <T> CompletableFuture<T> run(ScriptOutputType type, String[] keys, String... args) {
        return redis.<T>evalsha(sha, type, keys, args).toCompletableFuture().exceptionallyCompose(error -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            return cause instanceof RedisNoScriptException
                    ? redis.<T>eval(source, type, keys, args).toCompletableFuture()
                    : CompletableFuture.failedFuture(cause);
        });
    }
}
