package dev.chorus.core.session;

import java.time.Instant;

/** A logged-in browser or client, known by the id in its session cookie. */
public record LoginSession(String id, String username, Instant createdAt, Instant lastSeenAt) {
    public LoginSession seenAt(Instant when) {
        return new LoginSession(id, username, createdAt, when);
    }
}
