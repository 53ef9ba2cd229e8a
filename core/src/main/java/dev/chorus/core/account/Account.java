package dev.chorus.core.account;

import java.time.Instant;

/** A registered user. {@code passwordHash} is null for guests, who have no password. */
public record Account(String username, String passwordHash, boolean admin, Instant createdAt) {
}
