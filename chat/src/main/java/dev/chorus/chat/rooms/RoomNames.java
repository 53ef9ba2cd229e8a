package dev.chorus.chat.rooms;

import java.util.Locale;
import java.util.Optional;

/**
 * What a room may be called, and the Socket.IO room that carries it: prefixed, so that no chat room can be named
 * after a socket's own room. Names starting with {@code @} are kept for direct conversations, whose history sits
 * beside the rooms'.
 */
final class RoomNames {
    static final int MAX_LENGTH = 64;
    private static final String PREFIX = "room:";
    private static final String USER_PREFIX = "user:";
    private static final String PRESENCE_PREFIX = "presence:";
    private static final String DIRECT = "@";

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
        if (room.startsWith(DIRECT)) {
            return Optional.of("room names may not start with " + DIRECT);
        }
        return Optional.empty();
    }

    static String channel(String room) {
        return PREFIX + room;
    }

    /** The Socket.IO room of the sockets that asked for a chat room's presence events. */
    static String presenceChannel(String room) {
        return PRESENCE_PREFIX + room;
    }

    /** The Socket.IO room of all of a user's sockets on this namespace. */
    static String userChannel(String user) {
        return USER_PREFIX + user.toLowerCase(Locale.ROOT);
    }

    /** The history key of the direct conversation between two users, the same whichever of them asks. */
    static String direct(String one, String other) {
        String a = one.toLowerCase(Locale.ROOT);
        String b = other.toLowerCase(Locale.ROOT);
        return DIRECT + (a.compareTo(b) <= 0 ? a + "," + b : b + "," + a);
    }

    /** @return the chat room a Socket.IO room carries, or null for other rooms */
    static String roomOf(String channel) {
        return channel.startsWith(PREFIX) ? channel.substring(PREFIX.length()) : null;
    }
}
