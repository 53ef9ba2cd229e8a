package dev.chorus.xmppface;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The XMPP occupants of each room on this node: whom a room's messages and presence are rendered for here. */
final class Occupants {
    private final Map<String, CopyOnWriteArrayList<RoomConnection>> byRoom = new ConcurrentHashMap<>();

    void add(String room, RoomConnection connection) {
        byRoom.computeIfAbsent(room, name -> new CopyOnWriteArrayList<>()).addIfAbsent(connection);
    }

    void remove(String room, RoomConnection connection) {
        byRoom.computeIfPresent(room, (name, connections) -> {
            connections.remove(connection);
            return connections.isEmpty() ? null : connections;
        });
    }

    /** Who is in the room on this node; empty when no one. */
    List<RoomConnection> in(String room) {
        List<RoomConnection> here = byRoom.get(room);
        return here == null ? List.of() : here;
    }
}
