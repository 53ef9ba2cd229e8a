package dev.chorus.core.room;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The rooms' settings, in this node or shared by the cluster; a room without any is {@link RoomSettings#OPEN}. */
public interface RoomSettingsStore {
    CompletableFuture<Optional<RoomSettings>> find(String room);

    /** Keeps the settings of a room that had none. @return false when another had set it up first */
    CompletableFuture<Boolean> create(String room, RoomSettings settings);

    CompletableFuture<Void> save(String room, RoomSettings settings);

    /** The room is destroyed: it is open again, to be set up by whoever creates it next. */
    CompletableFuture<Void> remove(String room);
}
