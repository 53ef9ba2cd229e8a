package dev.chorus.core.room;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a room may be called. Names starting with {@link #OWN} are the chat's own — its faces' internal channels and
 * the direct conversations, whose history sits beside the rooms' — and no chat room may take one.
 */
public final class RoomNames {
    public static final int MAX_LENGTH = 64;
    public static final String OWN = "@";

    private RoomNames() {
    }

    /** What is wrong with a room name, if anything. */
    public static Optional<String> check(String room) {
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

    /** The two users of a direct conversation's history key; none for any other key. */
    public static List<String> directUsers(String key) {
        int comma = key.indexOf(',');
        return key.startsWith(OWN) && comma > 0 ? List.of(key.substring(OWN.length(), comma), key.substring(comma + 1))
                : List.of();
    }

    /** The history key of the direct conversation between two users, the same whichever of them asks. */
    public static String direct(String one, String other) {
        String a = one.toLowerCase(Locale.ROOT);
        String b = other.toLowerCase(Locale.ROOT);
        return OWN + (a.compareTo(b) <= 0 ? a + "," + b : b + "," + a);
    }
}
