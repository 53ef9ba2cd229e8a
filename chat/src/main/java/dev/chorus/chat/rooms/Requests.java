package dev.chorus.chat.rooms;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The payloads clients send with the chat events. Unknown fields are ignored, for clients newer than the server. */
final class Requests {
    private Requests() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Room(String room) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    /** {@code presence}: whether the socket wants the room's presence events (optional, no by default). */
    record Join(String room, Boolean presence) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    /** {@code clientId}: the client's own key for the message, so that a retry is not sent twice (optional). */
    record Message(String room, String text, String clientId) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    /** {@code before} pages back from an id; {@code after} catches up from one (it wins when both are given). */
    record History(String room, Long before, Long after, Integer limit) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Direct(String to, String text, String clientId) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DirectHistory(String with, Long before, Integer limit) {
    }
}
