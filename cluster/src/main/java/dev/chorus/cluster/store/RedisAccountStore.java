package dev.chorus.cluster.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.chat.account.Account;
import dev.chorus.chat.account.AccountStore;
import dev.chorus.cluster.redis.RedisBackbone;
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

    private final RedisAsyncCommands<String, String> redis;
    private final String keyPrefix;

    public RedisAccountStore(RedisBackbone backbone) {
        this(backbone, RedisKeys.DEFAULT_PREFIX);
    }

    public RedisAccountStore(RedisBackbone backbone, String prefix) {
        this.redis = backbone.strings();
        this.keyPrefix = prefix + "account:";
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
