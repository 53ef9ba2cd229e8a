package dev.chorus.core.limits;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** The sockets each user has open on this node: the count for a node that is not part of a cluster. */
public final class EmbeddedUserConnections implements UserConnections {
    private final int maxPerUser;
    private final Map<String, Set<String>> byUser = new ConcurrentHashMap<>();

    public EmbeddedUserConnections(int maxPerUser) {
        this.maxPerUser = maxPerUser;
    }

    @Override
    public int maxPerUser() {
        return maxPerUser;
    }

    @Override
    public CompletableFuture<Boolean> hasRoom(String user) {
        Set<String> open = byUser.get(user);
        return CompletableFuture.completedFuture(open == null || open.size() < maxPerUser);
    }

    @Override
    public CompletableFuture<Boolean> add(String user, String socketId) {
        Set<String> open = byUser.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet());
        open.add(socketId);
        return CompletableFuture.completedFuture(open.size() <= maxPerUser);
    }

    @Override
    public void remove(String user, String socketId) {
        byUser.computeIfPresent(user, (u, open) -> {
            open.remove(socketId);
            return open.isEmpty() ? null : open;
        });
    }

    @Override
    public CompletableFuture<Integer> count(String user) {
        Set<String> open = byUser.get(user);
        return CompletableFuture.completedFuture(open == null ? 0 : open.size());
    }

    @Override
    public CompletableFuture<Map<String, Integer>> online() {
        Map<String, Integer> online = new HashMap<>();
        byUser.forEach((user, open) -> {
            if (!open.isEmpty()) {
                online.put(user, open.size());
            }
        });
        return CompletableFuture.completedFuture(online);
    }

    /** A node alone has no one to outlive it: nothing vanishes. */
    @Override
    public void onVanished(Consumer<Vanished> listener) {
    }
}
