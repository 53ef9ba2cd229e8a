package dev.chorus.core.message;

/**
 * A message a user sends, as the {@link Publisher} takes it: stored in its conversation, then delivered to the
 * conversation's recipients, whatever face they are connected by.
 *
 * @param clientKey the sender's own key for this message, which a retry carries again; null when it has none
 */
public record Post(String user, Conversation conversation, String text, long ts, String clientKey) {
}
