package dev.chorus.core.room;

import dev.chorus.core.Answer;
import dev.chorus.core.limits.RequestLimits.Kind;
import dev.chorus.core.limits.RequestLimits;
import dev.chorus.core.presence.Presence;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is in which room: joining (the others there learn the user came online; the joiner gets the member list),
 * leaving, typing, and an admin closing a room. A user is online in a room while any of their connections is in it.
 */
public final class Rooms {
    private static final Logger log = LoggerFactory.getLogger(Rooms.class);

    /** The most rooms a room list names. */
    static final int LISTED = 500;

    private final Presence presence;
    private final RoomSettingsStore settings;
    private final Clock clock;
    private final RequestLimits limits;
    private final int maxRoomsPerConnection;
    private final List<RoomEvents> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> closings = new CopyOnWriteArrayList<>();
    /** Raises each event with every face that listens. */
    private final RoomEvents events = new RoomEvents() {
        @Override
        public void online(String room, String user, String origin) {
            listeners.forEach(listener -> listener.online(room, user, origin));
        }

        @Override
        public void offline(String room, String user, String origin) {
            listeners.forEach(listener -> listener.offline(room, user, origin));
        }

        @Override
        public void typing(String room, String user, String origin) {
            listeners.forEach(listener -> listener.typing(room, user, origin));
        }

        @Override
        public void closed(String room) {
            listeners.forEach(listener -> listener.closed(room));
        }
    };

    /** @param maxRoomsPerConnection rooms one connection may be in at once */
    public Rooms(Presence presence, RoomSettingsStore settings, RequestLimits limits, int maxRoomsPerConnection,
            Clock clock) {
        this.presence = presence;
        this.settings = settings;
        this.clock = clock;
        this.limits = limits;
        this.maxRoomsPerConnection = maxRoomsPerConnection;
        presence.onVanished((room, user) -> events.offline(room, user, null));
    }

    /** A face that shows the rooms' events to its connections. */
    public void listen(RoomEvents listener) {
        listeners.add(listener);
    }

    /**
     * Puts a connection in a room, if it is not there yet.
     *
     * @param watchPresence whether the connection wants the room's presence events, and who is in the room now
     * @return the room's members, the user among them, when the connection watches its presence; none otherwise
     */
    public CompletableFuture<Answer<List<String>>> join(Connection connection, String room, boolean watchPresence) {
        return join(connection, room, watchPresence, null);
    }

    /**
     * Puts a connection in a room as {@link #join(Connection, String, boolean)} does, if the room's settings let
     * the user in.
     *
     * @param password what the user gave for a room that needs one; null for nothing
     */
    public CompletableFuture<Answer<List<String>>> join(Connection connection, String room, boolean watchPresence,
            String password) {
        var problem = RoomNames.check(room);
        if (problem.isPresent()) {
            return CompletableFuture.completedFuture(Answer.refused(problem.get()));
        }
        return limits.allow(connection.user(), Kind.JOIN).thenCompose(allowed -> allowed
                ? admits(connection, room, password).thenCompose(refusal -> refusal == null
                        ? connection.execute(() -> enter(connection, room, watchPresence))
                        : CompletableFuture.completedFuture(Answer.<List<String>>refused(refusal)))
                : CompletableFuture.completedFuture(Answer.refused(RequestLimits.REFUSED)));
    }

    /** @return why the room turns the user away, one of {@link RoomSettings}'s reasons; null when it does not */
    private CompletableFuture<String> admits(Connection connection, String room, String password) {
        if (connection.isIn(room)) {
            return CompletableFuture.completedFuture(null);
        }
        return settings.find(room).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            RoomSettings set = found.get();
            CompletableFuture<Integer> occupants = set.maxUsers() > 0
                    ? presence.members(room).thenApply(List::size)
                    : CompletableFuture.completedFuture(0);
            return occupants.thenApply(count -> set.refusal(connection.user(), password, count, clock.instant()).orElse(null));
        });
    }

    /** The users in a room, on any node, in name order. */
    public CompletableFuture<List<String>> members(String room) {
        return presence.members(room);
    }

    /** How each room is set up, by its owner. */
    public RoomSettingsStore settings() {
        return settings;
    }

    /**
     * On the connection's own thread. The connection is in the room before its presence is counted (a second join
     * meanwhile finds it there, and counts nothing twice); it is taken out again when the user has too many rooms.
     */
    private CompletableFuture<Answer<List<String>>> enter(Connection connection, String room, boolean watchPresence) {
        if (connection.isIn(room)) {
            connection.watchPresence(room, watchPresence);
            return watchPresence ? presence.members(room).thenApply(Answer::done)
                    : CompletableFuture.completedFuture(Answer.done(List.of()));
        }
        if (connection.roomCount() >= maxRoomsPerConnection) {
            return CompletableFuture.completedFuture(Answer.refused(
                    "too many rooms: a connection may be in " + maxRoomsPerConnection + " at once"));
        }
        connection.enter(room);
        connection.watchPresence(room, watchPresence);
        return presence.enter(room, connection.user(), watchPresence).thenCompose(entry -> {
            if (entry.how() == Presence.Entered.TOO_MANY_ROOMS) {
                return connection.execute(() -> {
                    connection.exit(room);
                    return CompletableFuture.completedFuture(Answer.<List<String>>refused(
                            "too many rooms: a user may be in " + presence.maxRoomsPerUser() + " at once"));
                });
            }
            if (entry.how() == Presence.Entered.FIRST) {
                events.online(room, connection.user(), connection.id());
            }
            return CompletableFuture.completedFuture(Answer.done(entry.members()));
        });
    }

    /** Takes a connection out of a room it is in, at the user's asking. */
    public CompletableFuture<Answer<Void>> leave(Connection connection, String room) {
        var problem = RoomNames.check(room);
        if (problem.isPresent()) {
            return CompletableFuture.completedFuture(Answer.refused(problem.get()));
        }
        return limits.allow(connection.user(), Kind.LEAVE).thenCompose(allowed -> allowed
                ? connection.execute(() -> {
                    remove(connection, room);
                    return CompletableFuture.completedFuture(Answer.<Void>done(null));
                })
                : CompletableFuture.completedFuture(Answer.refused(RequestLimits.REFUSED)));
    }

    /** Takes a connection out of a room it is in, whoever asks (the room closed). On the connection's thread. */
    public void remove(Connection connection, String room) {
        if (connection.isIn(room)) {
            connection.exit(room);
            left(connection, room);
        }
    }

    /**
     * A connection is back in rooms without having joined them (its client recovered it): it is present there
     * again.
     */
    public void returned(Connection connection, List<String> rooms) {
        rooms.forEach(room -> presence.returned(room, connection.user()).thenAccept(first -> {
            if (first) {
                events.online(room, connection.user(), connection.id());
            }
        }));
    }

    /** A connection that was in the room is not any more (it left, was closed, or the room was). */
    public void left(Connection connection, String room) {
        String user = connection.user();
        presence.exit(room, user).whenComplete((gone, error) -> {
            if (error != null) {
                log.warn("user {}: leaving room {} not recorded", user, room, error);
            } else if (gone) {
                events.offline(room, user, connection.id());
            }
        });
    }

    /** A typing indicator, for the others in a room the connection is in; past the user's budget, dropped. */
    public void typing(Connection connection, String room) {
        if (RoomNames.check(room).isEmpty() && connection.isIn(room)) {
            limits.allow(connection.user(), Kind.TYPING).thenAccept(allowed -> {
                if (allowed) {
                    events.typing(room, connection.user(), connection.id());
                }
            });
        }
    }

    /** A face that only needs to know of the rooms closed on this node, its other events coming another way. */
    public void onClosed(Consumer<String> room) {
        closings.add(room);
    }

    /** Closes a room (an admin's doing): its history stays, and anyone may join it again. */
    public void close(String room) {
        events.closed(room);
        closings.forEach(closing -> closing.accept(room));
    }

    /**
     * The rooms with someone in them, by name, and how many users are there, as a user asks for it: the
     * {@link #LISTED} busiest, should there be more.
     */
    public CompletableFuture<Answer<Map<String, Integer>>> list(String user) {
        return limits.allow(user, Kind.ROOMS).thenCompose(allowed -> allowed
                ? presence.rooms().thenApply(counts -> Answer.done(busiest(counts)))
                : CompletableFuture.completedFuture(Answer.refused(RequestLimits.REFUSED)));
    }

    private static Map<String, Integer> busiest(Map<String, Integer> counts) {
        Map<String, Integer> listed = new TreeMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(LISTED)
                .forEach(room -> listed.put(room.getKey(), room.getValue()));
        return listed;
    }

    /** The rooms with someone in them, by name, with their members (read for at most {@code limit} rooms). */
    public CompletableFuture<Map<String, List<String>>> withMembers(int limit) {
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
}
