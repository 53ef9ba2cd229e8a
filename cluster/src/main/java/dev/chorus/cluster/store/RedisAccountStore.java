package dev.chorus.cluster.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.cluster.redis.LuaScript;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.core.account.Account;
import dev.chorus.core.account.AccountStore;
import dev.chorus.core.account.ScramAlgorithm;
import dev.chorus.core.account.ScramCredential;
import dev.chorus.core.account.ScramJson;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Accounts in Redis, one JSON string per account under {@code <prefix>account:<lower-cased username>}: the same
 * fields as the embedded store, with {@code createdAt} in epoch milliseconds and {@code scram} last. Accounts do not
 * expire.
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

    /**
     * The credentials are written last, so replacing them is cutting the record at {@code ,"scram":} (or before its
     * closing brace, in a record from before there were any) and appending the new ones. That text can only be the
     * field itself: inside a JSON string every quote is escaped.
     */
    private static final String SET_SCRAM = """
            local account = redis.call('GET', KEYS[1])
            if not account then
                return 0
            end
            local field = string.find(account, ',"scram":', 1, true)
            local head = string.sub(account, 1, (field or string.len(account)) - 1)
            redis.call('SET', KEYS[1], head .. ',"scram":' .. ARGV[1] .. '}')
            return 1
            """;

    private final RedisAsyncCommands<String, String> redis;
    private final String keyPrefix;
    private final LuaScript setAdmin;
    private final LuaScript setScram;

    public RedisAccountStore(RedisBackbone backbone) {
        this(backbone, RedisKeys.DEFAULT_PREFIX);
    }

    public RedisAccountStore(RedisBackbone backbone, String prefix) {
        this.redis = backbone.strings();
        this.keyPrefix = prefix + "account:";
        this.setAdmin = new LuaScript(redis, SET_ADMIN);
        this.setScram = new LuaScript(redis, SET_SCRAM);
    }

    @Override
    public CompletableFuture<Boolean> create(Account account) {
        String json = JSON.createObjectNode()
                .put("username", account.username())
                .put("passwordHash", account.passwordHash())
                .put("admin", account.admin())
                .put("createdAt", account.createdAt().toEpochMilli())
                .set("scram", ScramJson.write(account.scram()))
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

    @Override
    public CompletableFuture<Boolean> setScram(String username, Map<ScramAlgorithm, ScramCredential> scram) {
        String credentials = ScramJson.write(scram).toString();
        return setScram.<Long>run(ScriptOutputType.INTEGER, new String[] {key(username)}, credentials)
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
                    json.get("admin").asBoolean(), Instant.ofEpochMilli(json.get("createdAt").asLong()),
                    ScramJson.read(json.get("scram")));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("an account in Redis is not JSON", e);
        }
    }
}
