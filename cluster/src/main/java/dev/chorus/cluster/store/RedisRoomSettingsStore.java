package dev.chorus.cluster.store;

import dev.chorus.cluster.redis.RedisBackbone;
import dev.chorus.core.room.RoomSettings;
import dev.chorus.core.room.RoomSettingsStore;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The rooms' settings in Redis: one string per room set up, {@code <prefix>room-settings:<room>}, holding
 * {@link RoomSettings#json()}. A room is created with SET NX, so that of two users creating it on two nodes at once
 * one is its owner.
 */
public final class RedisRoomSettingsStore implements RoomSettingsStore {
    private final RedisAsyncCommands<String, String> redis;
    private final String keyPrefix;

    public RedisRoomSettingsStore(RedisBackbone backbone, String prefix) {
        this.redis = backbone.strings();
        this.keyPrefix = prefix + "room-settings:";
    }

    @Override
    public CompletableFuture<Optional<RoomSettings>> find(String room) {
        return redis.get(keyPrefix + room).toCompletableFuture()
                .thenApply(json -> Optional.ofNullable(RoomSettings.read(json)));
    }

    @Override
    public CompletableFuture<Boolean> create(String room, RoomSettings settings) {
        return redis.set(keyPrefix + room, settings.json(), SetArgs.Builder.nx()).toCompletableFuture()
                .thenApply("OK"::equals);
    }

    @Override
    public CompletableFuture<Void> save(String room, RoomSettings settings) {
        return redis.set(keyPrefix + room, settings.json()).toCompletableFuture().thenApply(ok -> null);
    }

    @Override
    public CompletableFuture<Void> remove(String room) {
        return redis.del(keyPrefix + room).toCompletableFuture().thenApply(count -> null);
    }
}
