package dev.chorus.cluster.store;

/** What the Redis stores name their keys with. */
public final class RedisKeys {
    /** Every key and channel of Chorus starts with it, so that Chorus can share a Redis with others. */
    public static final String DEFAULT_PREFIX = "chorus:";

    private RedisKeys() {
    }
}
