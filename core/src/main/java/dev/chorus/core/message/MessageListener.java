package dev.chorus.core.message;

import dev.chorus.core.history.ChatMessage;

/** Told of every message a node's own publisher stores, to deliver it: the faces' side of the embedded publisher. */
@FunctionalInterface
public interface MessageListener {
    void posted(Post post, ChatMessage message);
}
