package dev.chorus.chat.rooms;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.message.Conversation;
import dev.chorus.core.message.MessageListener;
import dev.chorus.core.message.Post;
import dev.chorus.engine.sio.Namespace;
import java.util.List;

/**
 * How the Socket.IO face shows a message: a room's as event {@code message} to the room, a direct one as event
 * {@code dm} to every socket of both users. The payload's {@code id} is the stored message's.
 */
public final class MessageEmits {
    static final String ROOM_EVENT = "message";
    static final String DIRECT_EVENT = "dm";

    /** One message's event, the rooms it goes to, and its argument. */
    public record Emit(String event, List<String> rooms, Object payload) {
    }

    /** A direct message as its two users see it; the sender's own id and client when it said them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DirectMessage(long id, String from, String to, String text, long ts, String clientId, String sentAs) {
    }

    private MessageEmits() {
    }

    /** @param id the stored message's id */
    public static Emit of(Post post, long id) {
        if (post.conversation() instanceof Conversation.Direct direct) {
            return new Emit(DIRECT_EVENT, List.of(Channels.user(direct.to()), Channels.user(direct.from())),
                    new DirectMessage(id, direct.from(), direct.to(), post.text(), post.ts(), post.clientId(),
                            post.sentAs()));
        }
        return new Emit(ROOM_EVENT, List.of(post.conversation().key()), post.message(id));
    }

    /** Delivers the messages a node's own publisher stores to the namespace's sockets. */
    public static MessageListener deliveredTo(Namespace nsp) {
        return (post, message) -> {
            Emit emit = of(post, message.id());
            nsp.to(emit.rooms().toArray(String[]::new)).emit(emit.event(), emit.payload());
        };
    }

    /** Reads a message's emit back: the core's post (without its client key) and stored message. */
    static void read(String event, JsonNode payload, MessageListener listener) {
        if (event.equals(ROOM_EVENT)) {
            String room = payload.path("room").asText();
            ChatMessage message = new ChatMessage(payload.path("id").asLong(), room, payload.path("user").asText(),
                    payload.path("text").asText(), payload.path("ts").asLong(), text(payload, "clientId"),
                    text(payload, "sentAs"));
            listener.posted(new Post(message.user(), new Conversation.Room(room), message.text(), message.ts(), null,
                    message.clientId(), message.sentAs()), message);
        } else if (event.equals(DIRECT_EVENT)) {
            Conversation.Direct direct = new Conversation.Direct(payload.path("from").asText(),
                    payload.path("to").asText());
            ChatMessage message = new ChatMessage(payload.path("id").asLong(), direct.key(), direct.from(),
                    payload.path("text").asText(), payload.path("ts").asLong(), text(payload, "clientId"),
                    text(payload, "sentAs"));
            listener.posted(new Post(direct.from(), direct, message.text(), message.ts(), null, message.clientId(),
                    message.sentAs()), message);
        }
    }

    private static String text(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** A stored direct message between two users, as a page of their history shows it. */
    static DirectMessage direct(ChatMessage message, String from, String to) {
        return new DirectMessage(message.id(), from, to, message.text(), message.ts(), message.clientId(),
                message.sentAs());
    }
}
