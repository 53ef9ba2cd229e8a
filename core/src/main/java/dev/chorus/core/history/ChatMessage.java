package dev.chorus.core.history;

/** A message as stored and as broadcast: ids increase within a room; {@code ts} is epoch milliseconds. */
public record ChatMessage(long id, String room, String user, String text, long ts) {
}
