package dev.chorus.xmppface;

import dev.chorus.core.room.Connection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A resource as the core's rooms know it: one connection of its user, in the rooms it joined. Its rooms are changed
 * on the resource's thread; the face's index of who is where on this node follows them.
 */
final class RoomConnection implements Connection {
    private final LocalResource resource;
    private final Occupants occupants;
    private final Set<String> rooms = new HashSet<>();

    RoomConnection(LocalResource resource, Occupants occupants) {
        this.resource = resource;
        this.occupants = occupants;
    }

    LocalResource resource() {
        return resource;
    }

    @Override
    public String id() {
        return resource.connection();
    }

    @Override
    public String user() {
        return resource.username();
    }

    @Override
    public boolean isIn(String room) {
        return rooms.contains(room);
    }

    @Override
    public void enter(String room) {
        rooms.add(room);
        occupants.add(room, this);
    }

    @Override
    public void exit(String room) {
        rooms.remove(room);
        occupants.remove(room, this);
    }

    @Override
    public int roomCount() {
        return rooms.size();
    }

    /** The rooms it is in now: a copy, to leave them all by. */
    Set<String> rooms() {
        return Set.copyOf(rooms);
    }

    @Override
    public <T> CompletableFuture<T> execute(Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        resource.execute(() -> {
            try {
                work.get().whenComplete((value, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else {
                        result.complete(value);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public void watchPresence(String room, boolean watch) {
        // An occupant always hears who comes and goes (XEP-0045): there is nothing to choose.
    }
}
