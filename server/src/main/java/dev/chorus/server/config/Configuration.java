package dev.chorus.server.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The effective value of every setting, and where it came from: a flag beats an environment variable, which beats
 * the config file, which beats the default.
 */
public final class Configuration {
    /**
     * Environment variables of the launcher and the tests, not settings: {@code CHORUS_} names outside this list
     * and the keys are taken for misspelt settings.
     */
    private static final List<String> NOT_SETTINGS = List.of("CHORUS_CONFIG", "CHORUS_JAVA_OPTS", "CHORUS_NO_BUILD",
            "CHORUS_MEMORY", "CHORUS_CDS", "CHORUS_PROTOCOL_SUITES", "CHORUS_TEST_", "CHORUS_BENCH_");

    /** A setting's effective value and its source. */
    public record Value<T>(T value, Source source) {
    }

    private final List<Key<?>> keys;
    private final Map<Key<?>, Value<?>> values;
    private final ConfigFile file;

    private Configuration(List<Key<?>> keys, Map<Key<?>, Value<?>> values, ConfigFile file) {
        this.keys = keys;
        this.values = values;
        this.file = file;
    }

    /**
     * @param keys        every setting there is
     * @param flags       values given as flags, by key name
     * @param environment the process's environment
     * @param file        the config file, or {@link ConfigFile#none()}
     * @throws ConfigException naming the first key that is unknown or has a bad value, and where it was set
     */
    public static Configuration resolve(List<Key<?>> keys, Map<String, String> flags, Map<String, String> environment,
            ConfigFile file) throws ConfigException {
        Set<String> names = new HashSet<>();
        Set<String> variables = new HashSet<>();
        for (Key<?> key : keys) {
            names.add(key.name());
            variables.add(key.environmentVariable());
        }
        for (String name : file.values().keySet()) {
            if (!names.contains(name)) {
                throw new ConfigException("config file " + file.path() + ": unknown key '" + name + "'"
                        + suggestion(name, names));
            }
        }
        for (String variable : environment.keySet()) {
            if (variable.startsWith("CHORUS_") && !variables.contains(variable)
                    && NOT_SETTINGS.stream().noneMatch(variable::startsWith)) {
                throw new ConfigException("environment variable " + variable + " is not a setting"
                        + suggestion(variable, variables));
            }
        }
        Map<Key<?>, Value<?>> values = new LinkedHashMap<>();
        for (Key<?> key : keys) {
            values.put(key, resolve(key, flags, environment, file));
        }
        return new Configuration(List.copyOf(keys), values, file);
    }

    private static <T> Value<T> resolve(Key<T> key, Map<String, String> flags, Map<String, String> environment,
            ConfigFile file) throws ConfigException {
        if (flags.containsKey(key.name())) {
            return read(key, flags.get(key.name()), Source.FLAG, "flag " + key.flagName());
        }
        if (environment.containsKey(key.environmentVariable())) {
            return read(key, environment.get(key.environmentVariable()), Source.ENVIRONMENT,
                    "environment variable " + key.environmentVariable());
        }
        if (file.values().containsKey(key.name())) {
            return read(key, file.values().get(key.name()), Source.FILE, "config file " + file.path());
        }
        return new Value<>(key.defaultValue(), Source.DEFAULT);
    }

    private static <T> Value<T> read(Key<T> key, String text, Source source, String where) throws ConfigException {
        try {
            return new Value<>(key.read(text), source);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ", key '" + key.name() + "': " + e.getMessage());
        }
    }

    /** ", did you mean 'port'?" when a known name is one or two edits away; "" otherwise. */
    private static String suggestion(String unknown, Collection<String> known) {
        return known.stream()
                .filter(name -> editDistance(unknown, name) <= 2)
                .min(Comparator.comparingInt(name -> editDistance(unknown, name)))
                .map(name -> ", did you mean '" + name + "'?")
                .orElse("");
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        return ((Value<T>) values.get(key)).value();
    }

    public Source source(Key<?> key) {
        return values.get(key).source();
    }

    /** The config file read, or {@link ConfigFile#none()}. */
    public ConfigFile file() {
        return file;
    }

    /** Every setting as a YAML line, {@code key: value  # source}, secrets masked: a config file as it stands. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Key<?> key : keys) {
            String value = yamlScalar(shown(key));
            lines.add(key.name() + ":" + (value.isEmpty() ? "" : " " + value) + "  # " + source(key));
        }
        return lines;
    }

    /** The settings that are not at their default, as {@code key=value (source)}: the start's one-line summary. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        for (Key<?> key : keys) {
            if (source(key) != Source.DEFAULT) {
                parts.add(key.name() + "=" + shown(key) + " (" + source(key) + ")");
            }
        }
        return parts.isEmpty() ? "all defaults" : String.join(", ", parts);
    }

    private <T> String shown(Key<T> key) {
        return key.show(get(key));
    }

    private static String yamlScalar(String text) {
        if (text.isEmpty()) {
            return "";
        }
        if (text.matches("[A-Za-z0-9_./-][A-Za-z0-9_./:-]*")) {
            return text;
        }
        return "'" + text.replace("'", "''") + "'";
    }
}
