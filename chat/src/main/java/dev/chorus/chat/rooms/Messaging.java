package dev.chorus.chat.rooms;

import static dev.chorus.chat.rooms.ChatSockets.error;
import static dev.chorus.chat.rooms.ChatSockets.userOf;

import dev.chorus.chat.account.UsernameRules;
import dev.chorus.chat.history.ChatMessage;
import dev.chorus.chat.publish.Post;
import dev.chorus.chat.publish.Publication;
import dev.chorus.chat.publish.Publisher;
import dev.chorus.chat.rooms.MessageMeters.Kind;
import dev.chorus.chat.rooms.MessageMeters.Reason;
import dev.chorus.engine.sio.Ack;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sending: a message to a room the socket is in, or a direct message to every socket of two users. Each is stored
 * before it is sent, and acknowledged with its id once stored; a retry with the same client id gets the same id and
 * is not sent twice.
 */
final class Messaging {
    private static final Logger log = LoggerFactory.getLogger(Messaging.class);
    private static final int MAX_CLIENT_ID = 64;

    private final Publisher publisher;
    private final Clock clock;
    private final int maxMessageBytes;
    private final MessageMeters meters;

    Messaging(Publisher publisher, Clock clock, int maxMessageBytes, MessageMeters meters) {
        this.publisher = publisher;
        this.clock = clock;
        this.maxMessageBytes = maxMessageBytes;
        this.meters = meters;
    }

    /** A message refused: why, for the meters, and what its sender is told. */
    private record Refusal(Reason reason, String message) {
    }

    void install(Namespace nsp) {
        nsp.onEvent("message", Requests.Message.class, this::message)
                .onEvent("dm", Requests.Direct.class, this::direct);
    }

    private void message(Socket socket, Requests.Message request, Ack ack) {
        String room = request.room();
        if (refused(Kind.ROOM, RoomNames.check(room).map(reason -> new Refusal(Reason.BAD_ROOM, reason)), ack)
                || refused(Kind.ROOM, textProblem(request.text()), ack)
                || refused(Kind.ROOM, clientIdProblem(request.clientId()), ack)) {
            return;
        }
        if (refused(Kind.ROOM, socket.rooms().contains(room) ? Optional.empty()
                : Optional.of(new Refusal(Reason.NOT_IN_ROOM, "join the room first")), ack)) {
            return;
        }
        String user = userOf(socket);
        String key = request.clientId() == null ? null : "room:" + room + ":" + request.clientId();
        publish(new Post(user, room, request.text(), clock.millis(), key, "message",
                List.of(room), message -> message), Kind.ROOM, ack);
    }

    /** A direct message: stored in the pair's conversation, sent to every socket of both users. */
    private void direct(Socket socket, Requests.Direct request, Ack ack) {
        String from = userOf(socket);
        Optional<Refusal> badName = UsernameRules.check(request.to())
                .map(reason -> new Refusal(Reason.BAD_RECIPIENT, "to: " + reason));
        if (refused(Kind.DIRECT, badName, ack) || refused(Kind.DIRECT, textProblem(request.text()), ack)
                || refused(Kind.DIRECT, clientIdProblem(request.clientId()), ack)) {
            return;
        }
        String to = request.to();
        String key = request.clientId() == null ? null : "dm:" + to + ":" + request.clientId();
        publish(new Post(from, RoomNames.direct(from, to), request.text(), clock.millis(), key, "dm",
                List.of(RoomNames.userChannel(to), RoomNames.userChannel(from)),
                message -> directPayload(message, from, to)), Kind.DIRECT, ack);
    }

    /** A direct message as its two users see it. Its id comes first, as a {@link Post}'s payload must have it. */
    record DirectMessage(long id, String from, String to, String text, long ts) {
    }

    static DirectMessage directPayload(ChatMessage message, String from, String to) {
        return new DirectMessage(message.id(), from, to, message.text(), message.ts());
    }

    private void publish(Post post, Kind kind, Ack ack) {
        publisher.publish(post).whenComplete((publication, error) -> {
            if (error != null) {
                log.warn("message of {} to {} not stored", post.user(), post.conversation(), error);
                meters.refused(kind, Reason.NOT_STORED);
                ack.send(error("the message could not be stored"));
                return;
            }
            if (publication instanceof Publication.Published published) {
                meters.posted(kind);
                ack.send(Map.of("id", published.message().id()));
            } else if (publication instanceof Publication.AlreadySent earlier) {
                ack.send(Map.of("id", earlier.id()));
            } else if (publication instanceof Publication.RateLimited limited) {
                meters.refused(kind, Reason.RATE_LIMITED);
                ack.send(error("rate limited").put("retryAfterMs", limited.retryAfterMs()));
            }
        });
    }

    /** Answers and counts the refusal, if there is one. @return whether there was */
    private boolean refused(Kind kind, Optional<Refusal> refusal, Ack ack) {
        refusal.ifPresent(refused -> {
            meters.refused(kind, refused.reason());
            ack.send(error(refused.message()));
        });
        return refusal.isPresent();
    }

    private static Optional<Refusal> clientIdProblem(String clientId) {
        return clientId != null && (clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID)
                ? Optional.of(new Refusal(Reason.BAD_CLIENT_ID,
                        "clientId must have 1 to " + MAX_CLIENT_ID + " characters"))
                : Optional.empty();
    }

    private Optional<Refusal> textProblem(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.of(new Refusal(Reason.EMPTY, "text is required"));
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes) {
            return Optional.of(new Refusal(Reason.TOO_LARGE, "message is larger than " + maxMessageBytes + " bytes"));
        }
        return Optional.empty();
    }
}
