package dev.chorus.core.presence;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/** Presence on a node that is not part of a cluster: nobody vanishes without an exit. */
public final class EmbeddedPresence implements Presence {
    /** Room to user to the number of that user's sockets in the room. */
    private final Map<String, Map<String, Integer>> rooms = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Boolean> enter(String room, String user) {
        boolean[] first = new boolean[1];
        rooms.compute(room, (r, users) -> {
            Map<String, Integer> present = users != null ? users : new ConcurrentHashMap<>();
            first[0] = present.merge(user, 1, Integer::sum) == 1;
            return present;
        });
        return CompletableFuture.completedFuture(first[0]);
    }

    @Override
    public CompletableFuture<Boolean> exit(String room, String user) {
        boolean[] gone = new boolean[1];
        rooms.computeIfPresent(room, (r, users) -> {
            Integer left = users.computeIfPresent(user, (u, count) -> count > 1 ? count - 1 : null);
            gone[0] = left == null;
            return users.isEmpty() ? null : users;
        });
        return CompletableFuture.completedFuture(gone[0]);
    }

    @Override
    public CompletableFuture<List<String>> members(String room) {
        Map<String, Integer> users = rooms.get(room);
        return CompletableFuture.completedFuture(users == null ? List.of() : users.keySet().stream().sorted().toList());
    }

    @Override
    public CompletableFuture<Map<String, Integer>> rooms() {
        Map<String, Integer> counts = new TreeMap<>();
        rooms.forEach((room, users) -> counts.put(room, users.size()));
        return CompletableFuture.completedFuture(counts);
    }

    @Override
    public void onVanished(BiConsumer<String, String> roomAndUser) {
        // Sockets of a single node always exit.
    }
}
