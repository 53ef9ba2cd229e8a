package dev.chorus.core.message;

/** What a message is: said in a room, or sent to one user. */
public enum MessageKind {
    ROOM("room"), DIRECT("direct");

    private final String tag;

    MessageKind(String tag) {
        this.tag = tag;
    }

    /** How the meters name it. */
    public String tag() {
        return tag;
    }
}
