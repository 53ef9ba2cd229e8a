package dev.chorus.core.room;

import java.util.Locale;

/** A user's standing in a room, kept with the room and not with any connection: it outlives their visits. */
public enum Affiliation {
    OWNER, ADMIN, MEMBER, NONE, OUTCAST;

    /** Whether this standing is the given one or higher (an outcast is below everyone). */
    public boolean atLeast(Affiliation other) {
        return ordinal() <= other.ordinal();
    }

    /** The name as settings and protocols write it: {@code owner}, {@code admin}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the affiliation labelled so, or null for a label that names none */
    public static Affiliation of(String label) {
        for (Affiliation affiliation : values()) {
            if (affiliation.label().equals(label)) {
                return affiliation;
            }
        }
        return null;
    }
}
