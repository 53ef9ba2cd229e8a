package dev.chorus.core.room;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The nicknames of one node's rooms, in memory: the connections holding them live and die with this process, so
 * nothing of them is worth keeping on disk.
 */
public final class EmbeddedOccupantStore implements OccupantStore {
    private final Map<String, TreeMap<String, Occupant>> rooms = new TreeMap<>();

    @Override
    public synchronized CompletableFuture<Claim> claim(String room, String nick, String user, String connection,
            String node) {
        TreeMap<String, Occupant> nicks = rooms.computeIfAbsent(room, name -> new TreeMap<>());
        Occupant held = nicks.get(nick);
        String owner = user.toLowerCase(Locale.ROOT);
        if (held == null) {
            nicks.put(nick, new Occupant(nick, owner, List.of(connection)));
            return CompletableFuture.completedFuture(Claim.NEW);
        }
        if (!held.user().equals(owner)) {
            return CompletableFuture.completedFuture(Claim.TAKEN);
        }
        if (!held.connections().contains(connection)) {
            List<String> connections = new ArrayList<>(held.connections());
            connections.add(connection);
            nicks.put(nick, held.with(connections));
        }
        return CompletableFuture.completedFuture(Claim.JOINED);
    }

    @Override
    public synchronized CompletableFuture<Boolean> release(String room, String nick, String connection,
            String node) {
        TreeMap<String, Occupant> nicks = rooms.get(room);
        Occupant held = nicks == null ? null : nicks.get(nick);
        if (held == null || !held.connections().contains(connection)) {
            return CompletableFuture.completedFuture(false);
        }
        List<String> connections = new ArrayList<>(held.connections());
        connections.remove(connection);
        if (!connections.isEmpty()) {
            nicks.put(nick, held.with(connections));
            return CompletableFuture.completedFuture(false);
        }
        nicks.remove(nick);
        if (nicks.isEmpty()) {
            rooms.remove(room);
        }
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public synchronized CompletableFuture<Optional<Occupant>> assign(String room, String nick, String role) {
        TreeMap<String, Occupant> nicks = rooms.get(room);
        Occupant held = nicks == null ? null : nicks.get(nick);
        if (held == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Occupant assigned = new Occupant(nick, held.user(), held.connections(), role);
        nicks.put(nick, assigned);
        return CompletableFuture.completedFuture(Optional.of(assigned));
    }

    @Override
    public synchronized CompletableFuture<List<Occupant>> in(String room) {
        TreeMap<String, Occupant> nicks = rooms.get(room);
        return CompletableFuture.completedFuture(nicks == null ? List.of() : List.copyOf(nicks.values()));
    }

    @Override
    public synchronized CompletableFuture<Void> clear(String room) {
        rooms.remove(room);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<Vacated>> purge(String node) {
        // One node holds them all, and it is alive while it asks.
        return CompletableFuture.completedFuture(List.of());
    }
}
