package dev.chorus.cluster.store;

import dev.chorus.cluster.redis.LuaScript;
import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.core.contact.Contact;
import dev.chorus.core.contact.ContactChange;
import dev.chorus.core.contact.ContactEdit;
import dev.chorus.core.contact.ContactRecord;
import dev.chorus.core.contact.ContactStore;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Contact records in Redis: one hash per user, {@code <prefix>contacts:<user>}, a field per contact holding the
 * record as {@link ContactRecord} writes it. Records do not expire, as the accounts they belong with.
 */
public final class RedisContactStore implements ContactStore {
    /**
     * Applies the flag mask (ARGV[2]) and the details (ARGV[3], when not empty) to one field, refusing a new field
     * past ARGV[4] of them. Returns the record before and after, '' for none, or nothing when refused.
     */
    private static final String EDIT = """
            local stored = redis.call('HGET', KEYS[1], ARGV[1])
            local flags = stored and string.sub(stored, 1, 5) or '00000'
            local applied = ''
            for i = 1, 5 do
                local change = string.sub(ARGV[2], i, i)
                applied = applied .. (change == '-' and string.sub(flags, i, i) or change)
            end
            if applied == '00000' then
                redis.call('HDEL', KEYS[1], ARGV[1])
                return {stored or '', ''}
            end
            if not stored and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then
                return {}
            end
            local details = ARGV[3] ~= '' and ARGV[3] or (stored and string.sub(stored, 7) or '{}')
            local record = applied .. '|' .. details
            redis.call('HSET', KEYS[1], ARGV[1], record)
            return {stored or '', record}
            """;
    private static final String REMOVE = """
            local stored = redis.call('HGET', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[1], ARGV[1])
            return stored
            """;

    private final RedisAsyncCommands<String, String> redis;
    private final String keyPrefix;
    private final LuaScript edit;
    private final LuaScript remove;

    public RedisContactStore(RedisBackbone backbone) {
        this(backbone, RedisKeys.DEFAULT_PREFIX);
    }

    public RedisContactStore(RedisBackbone backbone, String prefix) {
        this.redis = backbone.strings();
        this.keyPrefix = prefix + "contacts:";
        this.edit = new LuaScript(redis, EDIT);
        this.remove = new LuaScript(redis, REMOVE);
    }

    @Override
    public CompletableFuture<List<Contact>> all(String user) {
        return redis.hgetall(key(user)).toCompletableFuture().thenApply(records -> records.entrySet().stream()
                .map(entry -> ContactRecord.read(entry.getKey(), entry.getValue())).toList());
    }

    @Override
    public CompletableFuture<Optional<Contact>> find(String user, String contact) {
        String field = field(contact);
        return redis.hget(key(user), field).toCompletableFuture()
                .thenApply(stored -> Optional.ofNullable(ContactRecord.read(field, stored)));
    }

    @Override
    public CompletableFuture<Optional<ContactChange>> edit(String user, String contact, ContactEdit change,
            int max) {
        String field = field(contact);
        String details = change.details() == null ? "" : change.details();
        return edit.<Object>run(ScriptOutputType.MULTI, new String[] {key(user)}, field, change.mask(), details,
                Integer.toString(max)).thenApply(reply -> {
                    List<?> records = (List<?>) reply;
                    if (records.isEmpty()) {
                        return Optional.empty();
                    }
                    return Optional.of(new ContactChange(ContactRecord.read(field, text(records.get(0))),
                            ContactRecord.read(field, text(records.get(1)))));
                });
    }

    @Override
    public CompletableFuture<Optional<Contact>> remove(String user, String contact) {
        String field = field(contact);
        return remove.<String>run(ScriptOutputType.VALUE, new String[] {key(user)}, field)
                .thenApply(stored -> Optional.ofNullable(ContactRecord.read(field, stored)));
    }

    private static String text(Object record) {
        String text = (String) record;
        return text.isEmpty() ? null : text;
    }

    private static String field(String contact) {
        return contact.toLowerCase(Locale.ROOT);
    }

    private String key(String user) {
        return keyPrefix + user.toLowerCase(Locale.ROOT);
    }
}
