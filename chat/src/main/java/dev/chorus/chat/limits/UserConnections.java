package dev.chorus.chat.limits;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sockets each user has open on this node, for {@code max_connections_per_user}. The cluster issue counts
 * them across nodes behind the same methods.
 */
public final class UserConnections {
    private final int maxPerUser;
    private final Map<String, Set<String>> byUser = new ConcurrentHashMap<>();

    public UserConnections(int maxPerUser) {
        this.maxPerUser = maxPerUser;
    }

    public int maxPerUser() {
        return maxPerUser;
    }

    /** Whether the user may open one more. */
    public boolean hasRoom(String user) {
        Set<String> open = byUser.get(user);
        return open == null || open.size() < maxPerUser;
    }

    /** Counts a connected socket. @return false when that made one too many (two came in at once) */
    public boolean add(String user, String socketId) {
        Set<String> open = byUser.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet());
        open.add(socketId);
        return open.size() <= maxPerUser;
    }

    public void remove(String user, String socketId) {
        byUser.computeIfPresent(user, (u, open) -> {
            open.remove(socketId);
            return open.isEmpty() ? null : open;
        });
    }

    public int count(String user) {
        Set<String> open = byUser.get(user);
        return open == null ? 0 : open.size();
    }
}
