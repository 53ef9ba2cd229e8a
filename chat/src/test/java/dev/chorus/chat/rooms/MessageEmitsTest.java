package dev.chorus.chat.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.message.Conversation;
import dev.chorus.core.message.Post;
import dev.chorus.engine.sio.Packet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A message's broadcast reads back into the core's terms, as the other faces hear it. */
class MessageEmitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Post> posts = new ArrayList<>();
    private final List<ChatMessage> messages = new ArrayList<>();

    @Test
    void aRoomMessageReadsBackAsItWasSent() {
        Post post = new Post("alice", new Conversation.Room("lobby"), "hi", 1_000, "c1");

        hear(post, 7);

        assertThat(posts).containsExactly(new Post("alice", new Conversation.Room("lobby"), "hi", 1_000, null));
        assertThat(messages).containsExactly(new ChatMessage(7, "lobby", "alice", "hi", 1_000));
    }

    @Test
    void aDirectMessageReadsBackWithBothUsers() {
        Post post = new Post("alice", new Conversation.Direct("alice", "bob"), "psst", 2_000, null);

        hear(post, 9);

        assertThat(posts).containsExactly(post);
        assertThat(messages).containsExactly(new ChatMessage(9, post.conversation().key(), "alice", "psst", 2_000));
    }

    @Test
    void otherEventsAreNotMessages() {
        ArrayNode data = JSON.createArrayNode().add("typing").add(JSON.createObjectNode().put("room", "lobby"));

        MessageEmits.heardBy((post, message) -> posts.add(post)).broadcast(Packet.event("/", data), Set.of("lobby"));

        assertThat(posts).isEmpty();
    }

    /** Broadcasts the message as the face does, with the offset a cluster adds, and reads it back. */
    private void hear(Post post, long id) {
        MessageEmits.Emit emit = MessageEmits.of(post, id);
        ArrayNode data = JSON.createArrayNode().add(emit.event()).add(JSON.valueToTree(emit.payload()))
                .add("1700000000000-0");
        MessageEmits.heardBy((heard, message) -> {
            posts.add(heard);
            messages.add(message);
        }).broadcast(Packet.event("/", data), Set.copyOf(emit.rooms()));
    }
}
