package dev.chorus.engine.sio;

import java.util.Set;

/**
 * Who receives a broadcast: sockets in any of {@code rooms} (every socket when empty) and in none of
 * {@code except}. {@code volatile} packets may be dropped for clients that cannot take them now; {@code local}
 * ones stay on this node.
 */
public record BroadcastOptions(Set<String> rooms, Set<String> except, boolean isVolatile, boolean local) {
    public BroadcastOptions {
        rooms = Set.copyOf(rooms);
        except = Set.copyOf(except);
    }

    public static BroadcastOptions toRoom(String room) {
        return new BroadcastOptions(Set.of(room), Set.of(), false, false);
    }

    /** Whether a socket in {@code socketRooms} is a recipient. */
    public boolean includes(Set<String> socketRooms) {
        boolean inRooms = rooms.isEmpty();
        for (String room : socketRooms) {
            if (except.contains(room)) {
                return false;
            }
            if (!inRooms && rooms.contains(room)) {
                inRooms = true;
            }
        }
        return inRooms;
    }
}
