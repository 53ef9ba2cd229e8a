package dev.chorus.core.message;

import dev.chorus.core.room.RoomNames;

/** Where a message is said: in a chat room, or between two users. */
public sealed interface Conversation {
    /** The name its history is kept under. */
    String key();

    MessageKind kind();

    /** A chat room: its members get the message. */
    record Room(String name) implements Conversation {
        @Override
        public String key() {
            return name;
        }

        @Override
        public MessageKind kind() {
            return MessageKind.ROOM;
        }
    }

    /** A direct message: every connection of both users gets it. */
    record Direct(String from, String to) implements Conversation {
        @Override
        public String key() {
            return RoomNames.direct(from, to);
        }

        @Override
        public MessageKind kind() {
            return MessageKind.DIRECT;
        }
    }
}
