package dev.chorus.core.room;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a room is set up, by the owner who created it: who may come in, who stands where, what it is called and
 * what its subject is. A room no one set up has {@link #OPEN}: anyone may join, and no one owns it.
 *
 * @param password     what a joiner must give; null for none
 * @param anonymous    whether only moderators see who is behind a nickname
 * @param listed       whether the room appears in the list of rooms
 * @param maxUsers     how many may be in the room at once; 0 for no cap beyond the node's
 * @param anyoneSubject whether any participant, not only moderators, may change the subject
 * @param lockedUntil  until when (epoch milliseconds) no one but its owner may enter a room they have just created
 *                     and have yet to set up; 0 once they have
 * @param affiliations the users who stand anywhere but {@link Affiliation#NONE}, by lower-case name
 */
public record RoomSettings(String name, String description, String subject, String subjectBy, String password,
        boolean membersOnly, boolean moderated, boolean anonymous, boolean listed, int maxUsers,
        boolean anyoneSubject, long lockedUntil, Map<String, Affiliation> affiliations) {
    /** Why a room turns someone away; the faces say it each in its own words. */
    public static final String LOCKED = "the room is still being set up by its owner";
    public static final String BANNED = "you are banned from this room";
    public static final String MEMBERS_ONLY = "the room is open to its members only";
    public static final String WRONG_PASSWORD = "the room needs its password";
    public static final String FULL = "the room is full";

    public static final RoomSettings OPEN = new RoomSettings(null, null, null, null, null, false, false, false, true,
            0, false, 0, Map.of());
    /**
     * How long a new room waits for its creator to set it up before it opens by itself: clients that do not take
     * the creation step (XEP-0045 §10.1) would otherwise leave it closed to everyone, web users among them.
     */
    public static final Duration SETUP_TIME = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    public RoomSettings {
        affiliations = Map.copyOf(affiliations);
    }

    /** A room its creator has just made: theirs, and closed to others until they set it up, or for a while. */
    public static RoomSettings createdBy(String owner, Instant now) {
        return OPEN.withAffiliation(owner, Affiliation.OWNER).withLockedUntil(now.plus(SETUP_TIME).toEpochMilli());
    }

    /** Whether no one but its owner may enter now. */
    public boolean locked(Instant now) {
        return now.toEpochMilli() < lockedUntil;
    }

    public Affiliation affiliation(String user) {
        return affiliations.getOrDefault(user.toLowerCase(Locale.ROOT), Affiliation.NONE);
    }

    /** Whether the user moderates the room: its owners and admins do. */
    public boolean moderates(String user) {
        return affiliation(user).atLeast(Affiliation.ADMIN);
    }

    /**
     * Whether the user may come in now.
     *
     * @param password  what they gave; null for nothing
     * @param occupants how many are in the room already
     * @return why not, one of this class's reasons; empty when they may
     */
    public Optional<String> refusal(String user, String password, int occupants, Instant now) {
        Affiliation affiliation = affiliation(user);
        if (locked(now) && affiliation != Affiliation.OWNER) {
            return Optional.of(LOCKED);
        }
        if (affiliation == Affiliation.OUTCAST) {
            return Optional.of(BANNED);
        }
        if (membersOnly && !affiliation.atLeast(Affiliation.MEMBER)) {
            return Optional.of(MEMBERS_ONLY);
        }
        if (this.password != null && affiliation != Affiliation.OWNER && !this.password.equals(password)) {
            return Optional.of(WRONG_PASSWORD);
        }
        if (maxUsers > 0 && occupants >= maxUsers && !affiliation.atLeast(Affiliation.ADMIN)) {
            return Optional.of(FULL);
        }
        return Optional.empty();
    }

    public RoomSettings withAffiliation(String user, Affiliation affiliation) {
        Map<String, Affiliation> changed = new TreeMap<>(affiliations);
        if (affiliation == Affiliation.NONE) {
            changed.remove(user.toLowerCase(Locale.ROOT));
        } else {
            changed.put(user.toLowerCase(Locale.ROOT), affiliation);
        }
        return new RoomSettings(name, description, subject, subjectBy, password, membersOnly, moderated, anonymous,
                listed, maxUsers, anyoneSubject, lockedUntil, changed);
    }

    /** @param lockedUntil epoch milliseconds; 0 to open the room */
    public RoomSettings withLockedUntil(long lockedUntil) {
        return new RoomSettings(name, description, subject, subjectBy, password, membersOnly, moderated, anonymous,
                listed, maxUsers, anyoneSubject, lockedUntil, affiliations);
    }

    /** @param by the nickname of whoever set it */
    public RoomSettings withSubject(String subject, String by) {
        return new RoomSettings(name, description, subject, by, password, membersOnly, moderated, anonymous,
                listed, maxUsers, anyoneSubject, lockedUntil, affiliations);
    }

    /** The settings as both stores keep them. */
    public String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the settings stored as {@link #json()} wrote them; null for null */
    public static RoomSettings read(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, RoomSettings.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
