package dev.chorus.chat.rooms;

import dev.chorus.chat.history.HistoryStore;
import dev.chorus.chat.limits.UserConnections;
import dev.chorus.chat.presence.Presence;
import dev.chorus.chat.publish.Publisher;
import dev.chorus.chat.session.Sessions;
import dev.chorus.chat.web.SessionCookie;
import dev.chorus.engine.sio.Namespace;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The chat on a Socket.IO namespace, put together from its parts: the {@link LoginGate} (a socket gets in only with
 * a logged-in session, its user comes from the session), {@link RoomMembership} (joining, leaving, presence,
 * typing, closing rooms), {@link Messaging} (room and direct messages, stored then broadcast) and
 * {@link HistoryQueries}. What an admin does to the chat goes through here.
 */
public final class ChatRooms {
    private final Namespace nsp;
    private final Sessions sessions;
    private final Presence presence;
    private final Limits limits;
    private final LoginGate gate;
    private final RoomMembership membership;
    private final Messaging messaging;
    private final HistoryQueries queries;

    /**
     * The Vines-style limits: the largest message text and the connections a user may have open at once (how fast
     * a user may send is the {@link Publisher}'s to check).
     */
    public record Limits(int maxMessageBytes, UserConnections connections) {
    }

    /** @param meters where the chat's messages are counted ({@code chorus.messages.*}) */
    public ChatRooms(Namespace nsp, Sessions sessions, SessionCookie cookie, HistoryStore history, Presence presence,
            Publisher publisher, Clock clock, Limits limits, MeterRegistry meters) {
        this.nsp = nsp;
        this.sessions = sessions;
        this.presence = presence;
        this.limits = limits;
        this.gate = new LoginGate(sessions, cookie, limits.connections());
        this.membership = new RoomMembership(nsp, presence);
        this.messaging = new Messaging(publisher, clock, limits.maxMessageBytes(), new MessageMeters(meters));
        this.queries = new HistoryQueries(history, presence);
    }

    /** Installs the login check and the chat events on the namespace; the gate's connection handling first. */
    public void install() {
        gate.install(nsp);
        membership.install();
        messaging.install(nsp);
        queries.install(nsp);
    }

    /**
     * Ends a user's chat everywhere (an admin's kick): every session of theirs, so no socket of theirs can come back,
     * and every socket of theirs, on every node.
     *
     * @return how many sessions ended
     */
    public CompletableFuture<Integer> kick(String user) {
        // Sessions first: a client told it was disconnected asks whether it is still logged in, and must hear no.
        return sessions.closeAllOf(user).thenApply(ended -> {
            nsp.in(RoomNames.userChannel(user)).disconnectSockets(true);
            return ended;
        });
    }

    /** What is wrong with a room name, if anything. */
    public static Optional<String> checkRoomName(String room) {
        return RoomNames.check(room);
    }

    /** Closes a room on every node: its members are told and taken out; its history stays. */
    public void closeRoom(String room) {
        membership.closeRoom(room);
    }

    /** The rooms with someone in them, by name, with their members (read for at most {@code limit} rooms). */
    public CompletableFuture<Map<String, List<String>>> roomsWithMembers(int limit) {
        return presence.rooms().thenCompose(counts -> {
            List<String> names = counts.keySet().stream().sorted().limit(limit).toList();
            List<CompletableFuture<List<String>>> members = names.stream().map(presence::members).toList();
            return CompletableFuture.allOf(members.toArray(CompletableFuture[]::new)).thenApply(done -> {
                Map<String, List<String>> rooms = new TreeMap<>();
                for (int i = 0; i < names.size(); i++) {
                    rooms.put(names.get(i), members.get(i).join());
                }
                return rooms;
            });
        });
    }

    /** Who is online, anywhere, with how many sockets. */
    public CompletableFuture<Map<String, Integer>> online() {
        return limits.connections().online();
    }
}
