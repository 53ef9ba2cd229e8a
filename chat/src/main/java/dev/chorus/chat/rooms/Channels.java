package dev.chorus.chat.rooms;

import dev.chorus.core.room.RoomNames;
import java.util.Locale;

/**
 * The Socket.IO rooms of the chat's face. Chat room {@code lobby} is the Socket.IO room {@code lobby}, so that a
 * Node.js server or the Redis emitter reaches its members by that name; the face's own rooms (a user's sockets, the
 * sockets that asked for a room's presence) start with {@link RoomNames#OWN}, which no chat room may.
 */
final class Channels {
    private static final String USER_PREFIX = RoomNames.OWN + "user:";
    private static final String PRESENCE_PREFIX = RoomNames.OWN + "presence:";

    private Channels() {
    }

    /** The Socket.IO room of the sockets that asked for a chat room's presence events. */
    static String presence(String room) {
        return PRESENCE_PREFIX + room;
    }

    /** The Socket.IO room of all of a user's sockets on this namespace. */
    static String user(String user) {
        return USER_PREFIX + user.toLowerCase(Locale.ROOT);
    }

    /** Whether a room is some user's channel (where their direct messages and kicks go). */
    static boolean isUserChannel(String room) {
        return room.startsWith(USER_PREFIX);
    }

    /** Whether a room of the socket {@code socketId} is a chat room: neither its own nor one of the chat's. */
    static boolean isChatRoom(String socketRoom, String socketId) {
        return !socketRoom.startsWith(RoomNames.OWN) && !socketRoom.equals(socketId);
    }
}
