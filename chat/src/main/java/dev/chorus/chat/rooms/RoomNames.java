package dev.chorus.chat.rooms;

import java.util.Locale;
import java.util.Optional;

/**
 * What a room may be called. Chat room {@code lobby} is the Socket.IO room {@code lobby}, so that a Node.js server or
 * the Redis emitter reaches its members by that name. Names starting with {@code @} are the chat's own: its Socket.IO
 * rooms (a user's sockets, the sockets that asked for a room's presence) and its direct conversations, whose history
 * sits beside the rooms'. No chat room may take one.
 */
final class RoomNames {
    static final int MAX_LENGTH = 64;
    private static final String OWN = "@";
    private static final String USER_PREFIX = OWN + "user:";
    private static final String PRESENCE_PREFIX = OWN + "presence:";

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
        if (room.startsWith(OWN)) {
            return Optional.of("room names may not start with " + OWN);
        }
        return Optional.empty();
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
        return OWN + (a.compareTo(b) <= 0 ? a + "," + b : b + "," + a);
    }

    /** Whether a room of the socket {@code socketId} is a chat room: neither its own nor one of the chat's. */
    static boolean isChatRoom(String socketRoom, String socketId) {
        return !socketRoom.startsWith(OWN) && !socketRoom.equals(socketId);
    }
}
