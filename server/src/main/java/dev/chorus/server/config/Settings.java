package dev.chorus.server.config;

import java.util.HashMap;
import java.util.Map;

/**
 * What a node is started with: a value for each of {@link Keys#ALL}, each named by its key wherever it is set or
 * read. Read from the configuration for {@code ./chorus serve}; a test starts from the defaults and names what it
 * changes.
 */
public final class Settings {
    private final Map<Key<?>, Object> values;

    private Settings(Map<Key<?>, Object> values) {
        this.values = values;
    }

    /** Every setting at its default: a single node on its embedded store in {@code ./data}. */
    public static Settings defaults() {
        Map<Key<?>, Object> values = new HashMap<>();
        Keys.ALL.forEach(key -> values.put(key, key.defaultValue()));
        return new Settings(values);
    }

    /**
     * The effective value of every setting, from wherever the configuration found it.
     *
     * @throws ConfigException when settings that are each fine do not go together
     */
    public static Settings from(Configuration config) throws ConfigException {
        Map<Key<?>, Object> values = new HashMap<>();
        Keys.ALL.forEach(key -> values.put(key, config.get(key)));
        if (config.get(Keys.CORS_CREDENTIALS) && config.get(Keys.CORS_ORIGIN).contains("*")) {
            throw new ConfigException("key 'cors-credentials' cannot go with cors-origin '*': every site on the web "
                    + "could act as the logged-in user; name the origins instead");
        }
        return new Settings(values);
    }

    /** The same settings with {@code key} set to {@code value}; null for a setting that may be unset. */
    public <T> Settings with(Key<T> key, T value) {
        requireKnown(key);
        Map<Key<?>, Object> changed = new HashMap<>(values);
        changed.put(key, value);
        return new Settings(changed);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        requireKnown(key);
        return (T) values.get(key);
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
