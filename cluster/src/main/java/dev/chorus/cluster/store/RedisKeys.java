package dev.chorus.cluster.store;

/** What the Redis stores name their keys with. */
public final class RedisKeys {
    /**
     * The chat's keys and channels (accounts, login sessions, history, presence, the registry) start with it, so that
     * Chorus can share a Redis with others. The cluster adapter's keys do not: they keep the names of Socket.IO's Redis
     * adapter ({@code socket.io}, {@code sio:session:}) so that Node.js peers and emitters share them.
     */
    public static final String DEFAULT_PREFIX = "chorus:";

    private RedisKeys() {
    }
}
