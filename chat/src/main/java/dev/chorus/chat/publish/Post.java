package dev.chorus.chat.publish;

import dev.chorus.chat.history.ChatMessage;
import java.util.List;
import java.util.function.Function;

/**
 * A message a user sends: stored in its conversation (a room, or two users' direct messages), then delivered as
 * {@code event} to the sockets in {@code channels}, carrying what {@code payload} makes of the stored message.
 *
 * @param clientKey the sender's own key for this message, which a retry carries again; null when it has none
 * @param payload   the event's argument for the stored message; its first property must be the message id
 */
public record Post(String user, String conversation, String text, long ts, String clientKey, String event,
        List<String> channels, Function<ChatMessage, Object> payload) {
}
