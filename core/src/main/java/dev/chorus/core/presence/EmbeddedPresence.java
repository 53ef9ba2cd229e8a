package dev.chorus.core.presence;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/** Presence on a node that is not part of a cluster: nobody vanishes without an exit. */
public final class EmbeddedPresence implements Presence {
    /** Room to user to the number of that user's sockets in the room. */
    private final Map<String, Map<String, Integer>> rooms = new HashMap<>();
    /** User to the rooms they are in. */
    private final Map<String, Set<String>> roomsOf = new HashMap<>();
    private final int maxRoomsPerUser;

    public EmbeddedPresence(int maxRoomsPerUser) {
        this.maxRoomsPerUser = maxRoomsPerUser;
    }

    @Override
    public synchronized CompletableFuture<Entry> enter(String room, String user, boolean withMembers) {
        Map<String, Integer> present = rooms.get(room);
        if ((present == null || !present.containsKey(user))
                && roomsOf.getOrDefault(user, Set.of()).size() >= maxRoomsPerUser) {
            return CompletableFuture.completedFuture(new Entry(Entered.TOO_MANY_ROOMS, List.of()));
        }
        Entered how = add(room, user) ? Entered.FIRST : Entered.AGAIN;
        return CompletableFuture.completedFuture(new Entry(how, withMembers ? sortedMembers(room) : List.of()));
    }

    @Override
    public synchronized CompletableFuture<Boolean> returned(String room, String user) {
        return CompletableFuture.completedFuture(add(room, user));
    }

    private boolean add(String room, String user) {
        boolean first = rooms.computeIfAbsent(room, r -> new HashMap<>()).merge(user, 1, Integer::sum) == 1;
        if (first) {
            roomsOf.computeIfAbsent(user, u -> new HashSet<>()).add(room);
        }
        return first;
    }

    @Override
    public synchronized CompletableFuture<Boolean> exit(String room, String user) {
        Map<String, Integer> present = rooms.get(room);
        if (present == null || !present.containsKey(user)) {
            return CompletableFuture.completedFuture(false);
        }
        boolean gone = present.computeIfPresent(user, (u, count) -> count > 1 ? count - 1 : null) == null;
        if (gone) {
            if (present.isEmpty()) {
                rooms.remove(room);
            }
            Set<String> in = roomsOf.get(user);
            in.remove(room);
            if (in.isEmpty()) {
                roomsOf.remove(user);
            }
        }
        return CompletableFuture.completedFuture(gone);
    }

    @Override
    public synchronized CompletableFuture<List<String>> members(String room) {
        return CompletableFuture.completedFuture(sortedMembers(room));
    }

    private List<String> sortedMembers(String room) {
        Map<String, Integer> users = rooms.get(room);
        return users == null ? List.of() : users.keySet().stream().sorted().toList();
    }

    @Override
    public synchronized CompletableFuture<Map<String, Integer>> rooms() {
        Map<String, Integer> counts = new TreeMap<>();
        rooms.forEach((room, users) -> counts.put(room, users.size()));
        return CompletableFuture.completedFuture(counts);
    }

    @Override
    public int maxRoomsPerUser() {
        return maxRoomsPerUser;
    }

    @Override
    public void onVanished(BiConsumer<String, String> roomAndUser) {
        // Sockets of a single node always exit.
    }
}
