package dev.chorus.core.session;

import dev.chorus.core.limits.UserConnections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Who gets in: a connection only with a logged-in session, whose user it then is, and only while that user has fewer
 * connections open than allowed; and who is put out, by an admin's kick.
 */
public final class Admission {
    private final Sessions sessions;
    private final UserConnections connections;
    private final List<Consumer<String>> kickListeners = new CopyOnWriteArrayList<>();
    private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();

    /** Hears the connections admitted here open and close: who is online through this node. */
    public interface ConnectionListener {
        void opened(String user, String connectionId);

        /** Heard for every connection that closes, opened or not. */
        void closed(String user, String connectionId);
    }

    /** What became of a connection that asked to get in. */
    public sealed interface Outcome {
        record Admitted(LoginSession session) implements Outcome {
        }

        record NotLoggedIn() implements Outcome {
        }

        /** The user has {@code max} connections open already. */
        record TooManyConnections(int max) implements Outcome {
        }
    }

    public Admission(Sessions sessions, UserConnections connections) {
        this.sessions = sessions;
        this.connections = connections;
    }

    /** @param sessionId the login session the connection presents; null when it has none */
    public CompletableFuture<Outcome> admit(String sessionId) {
        return sessions.resolve(sessionId).thenCompose(session -> {
            if (session.isEmpty()) {
                return CompletableFuture.completedFuture(new Outcome.NotLoggedIn());
            }
            return connections.hasRoom(session.get().username()).thenApply(hasRoom -> hasRoom
                    ? new Outcome.Admitted(session.get())
                    : new Outcome.TooManyConnections(connections.maxPerUser()));
        });
    }

    /**
     * Counts an admitted connection once it is connected; {@link #disconnected} uncounts it, and the two always
     * pair. Two connections let in at the same moment can make one too many: the later one must go.
     *
     * @return false when the connection is one too many
     */
    public CompletableFuture<Boolean> connected(String user, String connectionId) {
        return connections.add(user, connectionId).thenApply(counted -> {
            if (counted) {
                connectionListeners.forEach(listener -> listener.opened(user, connectionId));
            }
            return counted;
        });
    }

    public void disconnected(String user, String connectionId) {
        connections.remove(user, connectionId);
        connectionListeners.forEach(listener -> listener.closed(user, connectionId));
    }

    public void onConnections(ConnectionListener listener) {
        connectionListeners.add(listener);
    }

    /** A connection runs under this login session now: while it does, the session is in use, and checked. */
    public void holds(String sessionId) {
        sessions.hold(sessionId);
    }

    public void released(String sessionId) {
        sessions.release(sessionId);
    }

    public int maxConnectionsPerUser() {
        return connections.maxPerUser();
    }

    /** Told of every session that ends, here or on another node: its connections here must end too. */
    public void onSessionEnded(Consumer<String> sessionId) {
        sessions.onClose(sessionId);
    }

    /** Told of every user an admin kicks: their connections, on every node, must end. */
    public void onKicked(Consumer<String> user) {
        kickListeners.add(user);
    }

    /**
     * Ends a user's chat everywhere (an admin's kick): every session of theirs, so no connection of theirs can come
     * back, then every connection.
     *
     * @return how many sessions ended
     */
    public CompletableFuture<Integer> kick(String user) {
        // Sessions first: a client told it was disconnected asks whether it is still logged in, and must hear no.
        return sessions.closeAllOf(user).thenApply(ended -> {
            kickListeners.forEach(listener -> listener.accept(user));
            return ended;
        });
    }

    /** Every user with a connection open, and how many: who is online. */
    public CompletableFuture<Map<String, Integer>> online() {
        return connections.online();
    }
}
