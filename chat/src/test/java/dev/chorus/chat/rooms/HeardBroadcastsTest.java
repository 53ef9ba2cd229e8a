package dev.chorus.chat.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.message.Conversation;
import dev.chorus.core.message.Post;
import dev.chorus.core.room.RoomEvents;
import dev.chorus.engine.sio.BroadcastListener;
import dev.chorus.engine.sio.BroadcastOptions;
import dev.chorus.engine.sio.Packet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The Socket.IO face's broadcasts read back into the core's terms, as the other faces hear them. */
class HeardBroadcastsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RoomEvents NO_EVENTS = new RoomEvents() {
        @Override
        public void online(String room, String user, String origin) {
        }

        @Override
        public void offline(String room, String user, String origin) {
        }

        @Override
        public void typing(String room, String user, String origin) {
        }

        @Override
        public void closed(String room) {
        }
    };

    private static final Predicate<String> EVERY_ROOM = room -> true;

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
    void comingsGoingsAndTypingReadBackAsTheRoomsEvents() {
        List<String> events = new ArrayList<>();
        RoomEvents heard = new RoomEvents() {
            @Override
            public void online(String room, String user, String origin) {
                events.add("online " + room + " " + user + " " + origin);
            }

            @Override
            public void offline(String room, String user, String origin) {
                events.add("offline " + room + " " + user + " " + origin);
            }

            @Override
            public void typing(String room, String user, String origin) {
                events.add("typing " + room + " " + user + " " + origin);
            }

            @Override
            public void closed(String room) {
                events.add("closed " + room);
            }
        };
        for (String status : List.of("online", "offline")) {
            ArrayNode data = JSON.createArrayNode().add("presence")
                    .add(JSON.valueToTree(ChatSockets.presence("lobby", "alice", status)));
            HeardBroadcasts.by((post, message) -> posts.add(post), heard, EVERY_ROOM).broadcast(Packet.event("/", data),
                    new BroadcastOptions(Set.of(Channels.presence("lobby")), Set.of("socket-1"), false, false));
        }
        ArrayNode typing = JSON.createArrayNode().add("typing").add(JSON.createObjectNode().put("room", "lobby")
                .put("user", "bob"));
        HeardBroadcasts.by((post, message) -> posts.add(post), heard, EVERY_ROOM).broadcast(Packet.event("/", typing),
                new BroadcastOptions(Set.of("lobby"), Set.of(), true, false));

        assertThat(events).containsExactly("online lobby alice socket-1", "offline lobby alice socket-1",
                "typing lobby bob null");
        assertThat(posts).isEmpty();
    }

    @Test
    void otherEventsAreNotMessages() {
        ArrayNode data = JSON.createArrayNode().add("room-closed").add(JSON.createObjectNode().put("room", "lobby"));

        HeardBroadcasts.by((post, message) -> posts.add(post), NO_EVENTS, EVERY_ROOM).broadcast(Packet.event("/", data),
                BroadcastOptions.toRoom("lobby"));

        assertThat(posts).isEmpty();
    }

    @Test
    void theMessagesOfARoomWatchedByNoOneHereAreNotRead() {
        BroadcastListener watchingDen = HeardBroadcasts.by((post, message) -> posts.add(post), NO_EVENTS,
                room -> room.equals("den"));
        MessageEmits.Emit inDen = MessageEmits.of(new Post("alice", new Conversation.Room("den"), "hi", 1_000, null),
                3);

        watchingDen.broadcast(Packet.encodedEvent("/", "message", "not JSON: reading it would fail"),
                BroadcastOptions.toRoom("lobby"));
        watchingDen.broadcast(Packet.event("/", JSON.createArrayNode().add(inDen.event())
                .add(JSON.valueToTree(inDen.payload()))), BroadcastOptions.toRoom("den"));

        assertThat(posts).extracting(post -> post.conversation().key()).containsExactly("den");
    }

    /** Broadcasts the message as the face does, with the offset a cluster adds, and reads it back. */
    private void hear(Post post, long id) {
        MessageEmits.Emit emit = MessageEmits.of(post, id);
        ArrayNode data = JSON.createArrayNode().add(emit.event()).add(JSON.valueToTree(emit.payload()))
                .add("1700000000000-0");
        HeardBroadcasts.by((heard, message) -> {
            posts.add(heard);
            messages.add(message);
        }, NO_EVENTS, EVERY_ROOM).broadcast(Packet.event("/", data),
                new BroadcastOptions(Set.copyOf(emit.rooms()), Set.of(), false, false));
    }
}
