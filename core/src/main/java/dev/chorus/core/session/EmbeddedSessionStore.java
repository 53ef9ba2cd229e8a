package dev.chorus.core.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.core.store.EmbeddedDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.h2.mvstore.MVMap;

/** Login sessions in the embedded database, committed at once so that a restarted node still knows them. */
public final class EmbeddedSessionStore implements SessionStore {
    private final EmbeddedDatabase db;
    private final MVMap<String, String> sessions;

    public EmbeddedSessionStore(EmbeddedDatabase db) {
        this.db = db;
        this.sessions = db.map("sessions");
    }

    @Override
    public CompletableFuture<Void> save(LoginSession session) {
        return db.run(() -> {
            sessions.put(session.id(), json(session));
            db.commit();
            return null;
        });
    }

    @Override
    public CompletableFuture<Boolean> update(LoginSession session) {
        // On the store's one thread: no delete can come between the check and the write.
        return db.run(() -> {
            if (!sessions.containsKey(session.id())) {
                return false;
            }
            sessions.put(session.id(), json(session));
            db.commit();
            return true;
        });
    }

    @Override
    public CompletableFuture<Optional<LoginSession>> find(String id) {
        return db.run(() -> Optional.ofNullable(sessions.get(id)).map(text -> {
            JsonNode json = db.parse(text);
            return new LoginSession(id, json.get("username").asText(),
                    Instant.ofEpochMilli(json.get("createdAt").asLong()),
                    Instant.ofEpochMilli(json.get("lastSeenAt").asLong()));
        }));
    }

    private String json(LoginSession session) {
        ObjectNode json = db.mapper().createObjectNode()
                .put("username", session.username())
                .put("createdAt", session.createdAt().toEpochMilli())
                .put("lastSeenAt", session.lastSeenAt().toEpochMilli());
        return json.toString();
    }

    @Override
    public CompletableFuture<List<String>> deleteAllOf(String username) {
        return db.run(() -> {
            List<String> ended = new ArrayList<>();
            for (Map.Entry<String, String> session : sessions.entrySet()) {
                if (username.equalsIgnoreCase(db.parse(session.getValue()).path("username").asText())) {
                    ended.add(session.getKey());
                }
            }
            if (!ended.isEmpty()) {
                ended.forEach(sessions::remove);
                db.commit();
            }
            return ended;
        });
    }

    @Override
    public CompletableFuture<Void> delete(String id) {
        return db.run(() -> {
            if (sessions.remove(id) != null) {
                db.commit();
            }
            return null;
        });
    }
}
