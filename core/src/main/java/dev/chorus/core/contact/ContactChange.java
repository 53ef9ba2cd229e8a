package dev.chorus.core.contact;

import java.util.Objects;

/**
 * What one edit of a record did.
 *
 * @param before the record before; null when there was none
 * @param after  the record after; null when there is none now
 */
public record ContactChange(Contact before, Contact after) {
    /** Whether the record is any different. */
    public boolean changed() {
        return !Objects.equals(before, after);
    }

    /** Whether the entry on the user's list is any different: what the user's clients are told of. */
    public boolean listChanged() {
        return changed() && (listed(before) || listed(after));
    }

    private static boolean listed(Contact contact) {
        return contact != null && contact.listed();
    }
}
