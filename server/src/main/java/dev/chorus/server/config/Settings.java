package dev.chorus.server.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a node is started with: a value for each of {@link Keys#ALL}, each named by its key wherever it is set or
 * read. Read from the configuration for {@code ./chorus serve}; a test starts from the defaults and names what it
 * changes.
 */
public final class Settings {
    private static final Duration CLUSTER_WARM_UP = Duration.ofSeconds(20);
    private static final Duration SINGLE_WARM_UP = Duration.ofSeconds(6);
    private final Map<Key<?>, Object> values;
    /** The keys set by someone, rather than left at their default. */
    private final Set<Key<?>> chosen;

    private Settings(Map<Key<?>, Object> values, Set<Key<?>> chosen) {
        this.values = values;
        this.chosen = chosen;
    }

    /** Every setting at its default: a single node on its embedded store in {@code ./data}. */
    public static Settings defaults() {
        Map<Key<?>, Object> values = new HashMap<>();
        Keys.ALL.forEach(key -> values.put(key, key.defaultValue()));
        return new Settings(values, Set.of());
    }

    /**
     * The effective value of every setting, from wherever the configuration found it.
     *
     * @throws ConfigException when settings that are each fine do not go together
     */
    public static Settings from(Configuration config) throws ConfigException {
        Map<Key<?>, Object> values = new HashMap<>();
        Set<Key<?>> chosen = new HashSet<>();
        Keys.ALL.forEach(key -> {
            values.put(key, config.get(key));
            if (config.source(key) != Source.DEFAULT) {
                chosen.add(key);
            }
        });
        if (config.get(Keys.CORS_CREDENTIALS) && config.get(Keys.CORS_ORIGIN).contains("*")) {
            throw new ConfigException("key 'cors-credentials' cannot go with cors-origin '*': every site on the web "
                    + "could act as the logged-in user; name the origins instead");
        }
        if ((config.get(Keys.XMPP_CERTIFICATE) == null) != (config.get(Keys.XMPP_CERTIFICATE_KEY) == null)) {
            throw new ConfigException("keys 'xmpp-certificate' and 'xmpp-certificate-key' go together: set both, or "
                    + "neither for a self-signed certificate");
        }
        return new Settings(values, Set.copyOf(chosen));
    }

    /** The same settings with {@code key} set to {@code value}; null for a setting that may be unset. */
    public <T> Settings with(Key<T> key, T value) {
        requireKnown(key);
        Map<Key<?>, Object> changed = new HashMap<>(values);
        changed.put(key, value);
        Set<Key<?>> nowChosen = new HashSet<>(chosen);
        nowChosen.add(key);
        return new Settings(changed, Set.copyOf(nowChosen));
    }

    /** Whether someone set the key (a flag, the environment, the file, a test), rather than leaving its default. */
    public boolean chosen(Key<?> key) {
        requireKnown(key);
        return chosen.contains(key);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        requireKnown(key);
        return (T) values.get(key);
    }

    /**
     * How long the node warms up before it serves, as set; unset, long enough in a cluster for the JIT to be through
     * the connect path (the other nodes serve meanwhile), and shorter alone, where nobody is served while it runs.
     */
    public Duration warmUp() {
        Duration set = get(Keys.WARM_UP);
        return set != null ? set : clustered() ? CLUSTER_WARM_UP : SINGLE_WARM_UP;
    }

    /** Whether the node joins a cluster in Redis, or runs alone on its embedded store. */
    public boolean clustered() {
        String url = get(Keys.REDIS);
        return url != null && !url.isBlank();
    }

    private void requireKnown(Key<?> key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException(key + " is not a setting of a node");
        }
    }
}
