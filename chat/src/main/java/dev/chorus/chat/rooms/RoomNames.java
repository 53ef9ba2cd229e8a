package dev.chorus.chat.rooms;

import java.util.Optional;

/**
 * What a room may be called, and the Socket.IO room that carries it: prefixed, so that no chat room can be named
 * after a socket's own room.
 */
final class RoomNames {
    static final int MAX_LENGTH = 64;
    private static final String PREFIX = "room:";

    private RoomNames() {
    }

    static Optional<String> check(String room) {
        if (room == null || room.isBlank()) {
            return Optional.of("room is required");
        }
        if (room.length() > MAX_LENGTH) {
            return Optional.of("room names are at most " + MAX_LENGTH + " characters long");
        }
        if (room.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("room names may not hold control characters");
        }
        return Optional.empty();
    }

    static String channel(String room) {
        return PREFIX + room;
    }

    /** @return the chat room a Socket.IO room carries, or null for other rooms */
    static String roomOf(String channel) {
        return channel.startsWith(PREFIX) ? channel.substring(PREFIX.length()) : null;
    }
}
