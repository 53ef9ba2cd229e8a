package dev.chorus.xmppface;

import dev.chorus.core.room.Connection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
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
    /** Under which nickname, and as what, it sits in each room it is in or is joining. */
    private final Map<String, Seat> seats = new HashMap<>();

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
        seats.remove(room);
        occupants.remove(room, this);
        resource.forgetRoom(room);
        resource.client().stateChanged();
    }

    /** Its seat in the room; null when it has none. */
    Seat seat(String room) {
        return seats.get(room);
    }

    void seat(String room, Seat seat) {
        seats.put(room, seat);
    }

    /** Its seat in the room, taken away: it never got in, or left. */
    void unseat(String room) {
        seats.remove(room);
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

    /**
     * Where a connection sits in a room.
     *
     * @param role what it may do there ({@code moderator}, {@code participant} or {@code visitor}), which decides
     *             what it is shown of the others
     */
    record Seat(String nick, String role) {
    }

    @Override
    public void watchPresence(String room, boolean watch) {
        // An occupant always hears who comes and goes (XEP-0045): there is nothing to choose.
    }
}
