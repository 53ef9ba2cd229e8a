package dev.chorus.cluster.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.redis.LuaScript;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.core.account.Account;
import dev.chorus.core.account.AccountStore;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Accounts in Redis, one JSON string per account under {@code <prefix>account:<lower-cased username>}: the same
 * fields as the embedded store, with {@code createdAt} in epoch milliseconds. Accounts do not expire.
 */
public final class RedisAccountStore implements AccountStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Jackson writes {@code "admin":false} compactly, so the flag is changed in place, in one step. */
    private static final String SET_ADMIN = """
            local account = redis.call('GET', KEYS[1])
            if not account then
                return 0
            end
            local updated = string.gsub(account, '"admin":%a+', '"admin":' .. ARGV[1], 1)
            redis.call('SET', KEYS[1], updated)
            return 1
            """;

    private final RedisAsyncCommands<String, String> redis;
    private final String keyPrefix;
    private final LuaScript setAdmin;

    public RedisAccountStore(RedisBackbone backbone) {
        this(backbone, RedisKeys.DEFAULT_PREFIX);
    }

    public RedisAccountStore(RedisBackbone backbone, String prefix) {
        this.redis = backbone.strings();
        this.keyPrefix = prefix + "account:";
        this.setAdmin = new LuaScript(redis, SET_ADMIN);
    }

    @Override
    public CompletableFuture<Boolean> create(Account account) {
        String json = JSON.createObjectNode()
                .put("username", account.username())
                .put("passwordHash", account.passwordHash())
                .put("admin", account.admin())
                .put("createdAt", account.createdAt().toEpochMilli())
                .toString();
        // NX: two nodes registering the same name at once cannot both win.
        return redis.set(key(account.username()), json, SetArgs.Builder.nx()).toCompletableFuture()
                .thenApply("OK"::equals);
    }

    @Override
    public CompletableFuture<Optional<Account>> find(String username) {
        return redis.get(key(username)).toCompletableFuture()
                .thenApply(text -> Optional.ofNullable(text).map(RedisAccountStore::parse));
    }

    @Override
    public CompletableFuture<Boolean> setAdmin(String username, boolean admin) {
        return setAdmin.<Long>run(ScriptOutputType.INTEGER, new String[] {key(username)}, Boolean.toString(admin))
                .thenApply(changed -> changed == 1);
    }

    private String key(String username) {
        return keyPrefix + username.toLowerCase(Locale.ROOT);
    }

    private static Account parse(String text) {
        try {
            JsonNode json = JSON.readTree(text);
            return new Account(json.get("username").asText(),
                    json.get("passwordHash").isNull() ? null : json.get("passwordHash").asText(),
                    json.get("admin").asBoolean(), Instant.ofEpochMilli(json.get("createdAt").asLong()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("an account in Redis is not JSON", e);
        }
    }
}
