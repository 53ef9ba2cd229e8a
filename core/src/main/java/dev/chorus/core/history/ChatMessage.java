package dev.chorus.core.history;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A message as stored and as broadcast: ids increase within a conversation, and are the milliseconds of the append
 * wherever they can be (so that they order one user's conversations among each other too); {@code ts} is epoch
 * milliseconds.
 *
 * @param clientId the sender's own id of the message; null when its client gave none
 * @param sentAs   how the sender's face named them for this message — the resource of an XMPP client, the
 *                 nickname in a room; null for the account name alone (the web's)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatMessage(long id, String room, String user, String text, long ts, String clientId, String sentAs) {
    public ChatMessage(long id, String room, String user, String text, long ts) {
        this(id, room, user, text, ts, null, null);
    }
}
