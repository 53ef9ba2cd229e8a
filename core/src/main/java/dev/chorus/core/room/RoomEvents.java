package dev.chorus.core.room;

/**
 * What happens in the rooms, for the faces to show their connections. Each is raised once, on the node where it
 * happened; a face that serves a cluster carries it to its connections on the other nodes.
 */
public interface RoomEvents {
    /**
     * A user is in the room now and was nowhere in it before.
     *
     * @param origin the connection that entered, which is not told
     */
    void online(String room, String user, String origin);

    /**
     * The user is in the room nowhere any more.
     *
     * @param origin the connection that left, which is not told; null when the user's node vanished
     */
    void offline(String room, String user, String origin);

    /** A user is typing in the room: for the others there, now or never. */
    void typing(String room, String user, String origin);

    /** An admin closed the room: every connection in it, on every node, is told and taken out. */
    void closed(String room);
}
