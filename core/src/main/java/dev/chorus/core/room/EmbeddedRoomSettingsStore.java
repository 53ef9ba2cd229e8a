package dev.chorus.core.room;

import dev.chorus.core.store.EmbeddedDatabase;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.h2.mvstore.MVMap;

/** The rooms' settings in the embedded database, as JSON under the room's name. */
public final class EmbeddedRoomSettingsStore implements RoomSettingsStore {
    private final EmbeddedDatabase db;
    private final MVMap<String, String> settings;

    public EmbeddedRoomSettingsStore(EmbeddedDatabase db) {
        this.db = db;
        this.settings = db.map("room-settings");
    }

    @Override
    public CompletableFuture<Optional<RoomSettings>> find(String room) {
        return db.run(() -> Optional.ofNullable(RoomSettings.read(settings.get(room))));
    }

    @Override
    public CompletableFuture<Boolean> create(String room, RoomSettings created) {
        return db.run(() -> {
            boolean first = settings.putIfAbsent(room, created.json()) == null;
            db.commit();
            return first;
        });
    }

    @Override
    public CompletableFuture<Void> save(String room, RoomSettings saved) {
        return db.run(() -> {
            settings.put(room, saved.json());
            db.commit();
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> remove(String room) {
        return db.run(() -> {
            settings.remove(room);
            db.commit();
            return null;
        });
    }
}
