package dev.chorus.core.message;

import dev.chorus.core.history.ChatMessage;

/**
 * A message a user sends, as the {@link Publisher} takes it: stored in its conversation, then delivered to the
 * conversation's recipients, whatever face they are connected by.
 *
 * @param clientKey the sender's own key for this message, which a retry carries again; null when it has none
 * @param clientId  the sender's own id of the message, kept with it; null when it has none
 * @param sentAs    how the sender's face named them ({@link dev.chorus.core.history.ChatMessage#sentAs}), kept
 *                  with it
 */
public record Post(String user, Conversation conversation, String text, long ts, String clientKey, String clientId,
        String sentAs) {
    public Post(String user, Conversation conversation, String text, long ts, String clientKey) {
        this(user, conversation, text, ts, clientKey, null, null);
    }

    /** The message this post is, under an id (its conversation gives it one when it is stored). */
    public ChatMessage message(long id) {
        return new ChatMessage(id, conversation.key(), user, text, ts, clientId, sentAs);
    }
}
