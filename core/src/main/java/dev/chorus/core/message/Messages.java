package dev.chorus.core.message;

import dev.chorus.core.account.UsernameRules;
import dev.chorus.core.room.RoomNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sending, as any face asks for it: a message to a room the sender is in, or a direct message to another user. Each
 * is checked, stored and then delivered by the {@link Publisher}, and answered with its id once stored; a retry with
 * the same client id gets the same id and is not sent twice. Every outcome is counted.
 */
public final class Messages {
    private static final Logger log = LoggerFactory.getLogger(Messages.class);
    private static final int MAX_CLIENT_ID = 64;

    private final Publisher publisher;
    private final Recipients recipients;
    private final DirectQuota quota;
    private final Clock clock;
    private final int maxMessageBytes;
    private final MessageMeters meters;

    /** What became of a message, as its sender is told. */
    public sealed interface Outcome {
        /** Stored and on its way, or stored before under the same client id. */
        record Sent(long id) implements Outcome {
        }

        /** Not sent: why, in words for the sender, and when over the rate how long to wait before sending again. */
        record Refused(Refusal reason, String message, long retryAfterMs) implements Outcome {
        }
    }

    /**
     * @param recipients who may be sent a direct message
     * @param quota      how much of them a user may store
     * @param meters     where the messages are counted ({@code chorus.messages.*})
     */
    public Messages(Publisher publisher, Recipients recipients, DirectQuota quota, Clock clock, int maxMessageBytes,
            MeterRegistry meters) {
        this.publisher = publisher;
        this.recipients = recipients;
        this.quota = quota;
        this.clock = clock;
        this.maxMessageBytes = maxMessageBytes;
        this.meters = new MessageMeters(meters);
    }

    /**
     * A message to a room.
     *
     * @param joined whether the sender is in the room, which the face connecting the sender knows
     */
    public CompletableFuture<Outcome> toRoom(String user, String room, String text, String clientId, boolean joined) {
        return toRoom(user, room, text, clientId, joined, null);
    }

    /**
     * A message to a room, kept with the name the sender's face gave them for it.
     *
     * @param sentAs the sender's nickname there; null for their account name
     */
    public CompletableFuture<Outcome> toRoom(String user, String room, String text, String clientId, boolean joined,
            String sentAs) {
        MessageKind kind = MessageKind.ROOM;
        Optional<Outcome> refused = refused(kind, RoomNames.check(room)
                .map(reason -> refusal(Refusal.BAD_ROOM, reason)))
                .or(() -> refused(kind, textProblem(text)))
                .or(() -> refused(kind, clientIdProblem(clientId)))
                .or(() -> refused(kind, joined ? Optional.empty()
                        : Optional.of(refusal(Refusal.NOT_IN_ROOM, "join the room first"))));
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(refused.get());
        }
        String key = clientId == null ? null : "room:" + room + ":" + clientId;
        return publish(new Post(user, new Conversation.Room(room), text, clock.millis(), key, clientId, sentAs));
    }

    /** A direct message: stored in the pair's conversation, delivered to every connection of both users. */
    public CompletableFuture<Outcome> direct(String from, String to, String text, String clientId) {
        return direct(from, to, text, clientId, null);
    }

    /**
     * A direct message, kept with the name the sender's face gave them for it.
     *
     * @param sentAs the sender's client (an XMPP resource); null for none
     */
    public CompletableFuture<Outcome> direct(String from, String to, String text, String clientId, String sentAs) {
        MessageKind kind = MessageKind.DIRECT;
        Optional<Outcome> refused = refused(kind, UsernameRules.check(to)
                .map(reason -> refusal(Refusal.BAD_RECIPIENT, "to: " + reason)))
                .or(() -> refused(kind, textProblem(text)))
                .or(() -> refused(kind, clientIdProblem(clientId)));
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(refused.get());
        }
        String key = clientId == null ? null : "dm:" + to + ":" + clientId;
        return recipients.exists(to).thenCompose(exists -> {
            if (!exists) {
                return CompletableFuture.completedFuture(refused(kind,
                        Optional.of(refusal(Refusal.BAD_RECIPIENT, "no such user: " + to))).orElseThrow());
            }
            return quota.take(from, text).thenCompose(taken -> taken
                    ? publish(new Post(from, new Conversation.Direct(from, to), text, clock.millis(), key, clientId,
                            sentAs))
                    : CompletableFuture.completedFuture(refused(kind, Optional.of(refusal(Refusal.QUOTA,
                            "quota reached: " + quota.bytesPerDay() + " bytes of direct messages a day")))
                            .orElseThrow()));
        });
    }

    /** A face handed messages of a kind to some of its connections on this node. */
    public void delivered(MessageKind kind, int connections) {
        meters.delivered(kind, connections);
    }

    private CompletableFuture<Outcome> publish(Post post) {
        MessageKind kind = post.conversation().kind();
        return publisher.publish(post).handle((publication, error) -> {
            if (error != null) {
                log.warn("message of {} to {} not stored", post.user(), post.conversation().key(), error);
                meters.refused(kind, Refusal.NOT_STORED);
                return refusal(Refusal.NOT_STORED, "the message could not be stored");
            }
            if (publication instanceof Publication.Published published) {
                meters.posted(kind);
                return new Outcome.Sent(published.message().id());
            }
            if (publication instanceof Publication.AlreadySent earlier) {
                return new Outcome.Sent(earlier.id());
            }
            meters.refused(kind, Refusal.RATE_LIMITED);
            return new Outcome.Refused(Refusal.RATE_LIMITED, "rate limited",
                    ((Publication.RateLimited) publication).retryAfterMs());
        });
    }

    /** Counts the refusal, if there is one. */
    private Optional<Outcome> refused(MessageKind kind, Optional<Outcome.Refused> refusal) {
        refusal.ifPresent(refused -> meters.refused(kind, refused.reason()));
        return refusal.map(Outcome.class::cast);
    }

    private static Outcome.Refused refusal(Refusal reason, String message) {
        return new Outcome.Refused(reason, message, 0);
    }

    private static Optional<Outcome.Refused> clientIdProblem(String clientId) {
        return clientId != null && (clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID)
                ? Optional.of(refusal(Refusal.BAD_CLIENT_ID,
                        "clientId must have 1 to " + MAX_CLIENT_ID + " characters"))
                : Optional.empty();
    }

    private Optional<Outcome.Refused> textProblem(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.of(refusal(Refusal.EMPTY, "text is required"));
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes) {
            return Optional.of(refusal(Refusal.TOO_LARGE, "message is larger than " + maxMessageBytes + " bytes"));
        }
        return Optional.empty();
    }
}
