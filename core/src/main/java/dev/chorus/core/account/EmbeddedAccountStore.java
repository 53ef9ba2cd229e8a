package dev.chorus.core.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.core.store.EmbeddedDatabase;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.h2.mvstore.MVMap;

/** Accounts in the embedded database, keyed by lower-cased username, committed at once. */
public final class EmbeddedAccountStore implements AccountStore {
    private final EmbeddedDatabase db;
    private final MVMap<String, String> accounts;

    public EmbeddedAccountStore(EmbeddedDatabase db) {
        this.db = db;
        this.accounts = db.map("accounts");
    }

    @Override
    public CompletableFuture<Boolean> create(Account account) {
        return db.run(() -> {
            String key = account.username().toLowerCase(Locale.ROOT);
            if (accounts.containsKey(key)) {
                return false;
            }
            ObjectNode json = db.mapper().createObjectNode()
                    .put("username", account.username())
                    .put("passwordHash", account.passwordHash())
                    .put("admin", account.admin())
                    .put("createdAt", account.createdAt().toEpochMilli())
                    .set("scram", ScramJson.write(account.scram()));
            accounts.put(key, json.toString());
            db.commit();
            return true;
        });
    }

    @Override
    public CompletableFuture<Boolean> setAdmin(String username, boolean admin) {
        return update(username, json -> json.put("admin", admin));
    }

    @Override
    public CompletableFuture<Boolean> setScram(String username, Map<ScramAlgorithm, ScramCredential> scram) {
        return update(username, json -> json.set("scram", ScramJson.write(scram)));
    }

    @Override
    public CompletableFuture<Optional<Account>> find(String username) {
        return db.run(() -> Optional.ofNullable(accounts.get(username.toLowerCase(Locale.ROOT))).map(text -> {
            JsonNode json = db.parse(text);
            return new Account(json.get("username").asText(),
                    json.get("passwordHash").isNull() ? null : json.get("passwordHash").asText(),
                    json.get("admin").asBoolean(), Instant.ofEpochMilli(json.get("createdAt").asLong()),
                    ScramJson.read(json.get("scram")));
        }));
    }

    /** @return false when there is no such account */
    private CompletableFuture<Boolean> update(String username, Consumer<ObjectNode> change) {
        return db.run(() -> {
            String key = username.toLowerCase(Locale.ROOT);
            String text = accounts.get(key);
            if (text == null) {
                return false;
            }
            ObjectNode json = (ObjectNode) db.parse(text);
            change.accept(json);
            accounts.put(key, json.toString());
            db.commit();
            return true;
        });
    }
}
