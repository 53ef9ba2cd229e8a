package dev.chorus.chat.account;

import java.time.Instant;

/** A registered user. {@code passwordHash} is null for guests, who have no password. */
public record Account(String username, String passwordHash, boolean admin, Instant createdAt) {
}
