package dev.chorus.xmppface;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/**
 * What happened to an occupant of a room, or to its subject, told to every node for the occupants there: an
 * occupant came or went under a nickname (which the room's own presence renders), or someone set the subject.
 *
 * @param connection the connection it happened to, which is answered directly and not told again; null for none
 * @param jid        the occupant's full address, shown to those the room lets see it
 * @param newNick    for an occupant going under one nickname to come back under this one (XEP-0045 status 303)
 * @param anonymous  whether the room shows the address to moderators only
 * @param subject    the new subject, for news of a subject; null for news of an occupant
 */
record RoomNews(String room, String nick, String user, String connection, String jid, String affiliation,
        String role, boolean available, String newNick, boolean anonymous, String subject) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static RoomNews subject(String room, String nick, String subject) {
        return new RoomNews(room, nick, null, null, null, null, null, true, null, false, subject);
    }

    boolean isSubject() {
        return subject != null;
    }

    String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RoomNews read(String json) {
        try {
            return JSON.readValue(json, RoomNews.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
