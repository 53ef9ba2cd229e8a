package dev.chorus.chat.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.core.message.MessageListener;
import dev.chorus.core.room.RoomEvents;
import dev.chorus.engine.sio.BroadcastListener;
import dev.chorus.engine.sio.PacketType;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the Socket.IO face broadcasts, read back into the core's terms on every node it reaches: the messages, and
 * who comes, goes and types in a room. The faces that are not Socket.IO hear the cluster this way, from the same
 * entries in the same order.
 */
public final class HeardBroadcasts {
    private static final String PRESENCE_EVENT = "presence";
    private static final String TYPING_EVENT = "typing";

    private HeardBroadcasts() {
    }

    /**
     * @param rooms   told of presence and typing; {@code closed} is not broadcast, and never told here
     * @param watched whether a chat room has listeners on this node: the messages of other rooms are not read at
     *                all, and reach the sockets as the cluster carried them
     */
    public static BroadcastListener by(MessageListener messages, RoomEvents rooms, Predicate<String> watched) {
        return (packet, options) -> {
            String event = packet.event();
            if (packet.type() != PacketType.EVENT || event == null
                    || event.equals(MessageEmits.ROOM_EVENT) && unwatched(options.rooms(), watched)) {
                return;
            }
            JsonNode data = packet.data();
            if (!data.path(1).isObject()) {
                return;
            }
            JsonNode payload = data.get(1);
            String origin = options.except().isEmpty() ? null : options.except().iterator().next();
            switch (event) {
                case PRESENCE_EVENT -> {
                    String room = payload.path("room").asText();
                    String user = payload.path("user").asText();
                    if ("online".equals(payload.path("status").asText())) {
                        rooms.online(room, user, origin);
                    } else {
                        rooms.offline(room, user, origin);
                    }
                }
                case TYPING_EVENT -> rooms.typing(payload.path("room").asText(), payload.path("user").asText(),
                        origin);
                default -> MessageEmits.read(event, payload, messages);
            }
        };
    }

    /** A room's message goes to that room alone. */
    private static boolean unwatched(Set<String> to, Predicate<String> watched) {
        return !to.isEmpty() && to.stream().noneMatch(watched);
    }
}
