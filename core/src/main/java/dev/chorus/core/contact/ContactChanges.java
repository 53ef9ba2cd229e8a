package dev.chorus.core.contact;

/**
 * What one step between two users did to both their records.
 *
 * @param ofUser    the change to the record of the user who took the step
 * @param ofContact the change to the other's record of them
 */
public record ContactChanges(ContactChange ofUser, ContactChange ofContact) {
    static final ContactChange NONE = new ContactChange(null, null);
}
