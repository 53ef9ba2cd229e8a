package dev.chorus.core;

import dev.chorus.core.history.History;
import dev.chorus.core.history.HistoryStore;
import dev.chorus.core.limits.RequestLimits;
import dev.chorus.core.limits.UserConnections;
import dev.chorus.core.message.DirectQuota;
import dev.chorus.core.message.Messages;
import dev.chorus.core.message.Publisher;
import dev.chorus.core.message.Recipients;
import dev.chorus.core.presence.Presence;
import dev.chorus.core.room.RoomSettingsStore;
import dev.chorus.core.room.Rooms;
import dev.chorus.core.session.Admission;
import dev.chorus.core.session.Sessions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * The chat core of a node, built once and shared by every face: who gets in, the rooms, sending, and what was
 * said. Each face turns its protocol's requests into calls of these, and listens to their events.
 */
public record Chat(Admission admission, Rooms rooms, Messages messages, History history) {
    /** The stores and limits it runs on, embedded or in Redis alike. */
    public record Parts(Sessions sessions, UserConnections connections, Presence presence,
            RoomSettingsStore roomSettings, HistoryStore history, Publisher publisher, RequestLimits requests,
            Recipients recipients, DirectQuota directQuota) {
    }

    /**
     * @param maxMessageBytes       the largest message text, in UTF-8 bytes (how fast a user may send is the
     *                              {@link Publisher}'s to check)
     * @param maxRoomsPerConnection rooms one connection may be in at once (per user: the {@link Presence}'s)
     * @param meters                where the messages are counted ({@code chorus.messages.*})
     */
    public static Chat of(Parts parts, int maxMessageBytes, int maxRoomsPerConnection, Clock clock,
            MeterRegistry meters) {
        return new Chat(new Admission(parts.sessions(), parts.connections()),
                new Rooms(parts.presence(), parts.roomSettings(), parts.requests(), maxRoomsPerConnection, clock),
                new Messages(parts.publisher(), parts.recipients(), parts.directQuota(), clock, maxMessageBytes,
                        meters),
                new History(parts.history(), parts.requests()));
    }
}
