package dev.chorus.core.room;

import java.util.List;

/**
 * Someone in a room under a nickname: a user, with the connections that sit there under it (one user may be in a
 * room from several of their clients under one nickname, or under several).
 *
 * @param role the role a moderator gave the occupant while there; null for the one their affiliation gives
 */
public record Occupant(String nick, String user, List<String> connections, String role) {
    public Occupant {
        connections = List.copyOf(connections);
    }

    public Occupant(String nick, String user, List<String> connections) {
        this(nick, user, connections, null);
    }

    Occupant with(List<String> held) {
        return new Occupant(nick, user, held, role);
    }
}
