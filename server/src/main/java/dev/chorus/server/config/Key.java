package dev.chorus.server.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One setting: its name in the config file, which is also its flag ({@code --name}) and, upper-cased with
 * underscores, its environment variable ({@code CHORUS_NAME}); how its text is read and shown; its default.
 *
 * @param <T> the type of its value
 */
public final class Key<T> {
    /** Reads a value from its text, or says in a few words why it cannot ({@link IllegalArgumentException}). */
    @FunctionalInterface
    public interface Reader<T> {
        T read(String text);
    }

    private final String name;
    private final String label;
    private final String description;
    private final T defaultValue;
    private final Reader<T> reader;
    private final Function<T, String> writer;
    private final boolean flag;

    Key(String name, String label, String description, T defaultValue, Reader<T> reader, Function<T, String> writer,
            boolean flag) {
        this.name = Objects.requireNonNull(name);
        this.label = label;
        this.description = description;
        this.defaultValue = defaultValue;
        this.reader = reader;
        this.writer = writer;
        this.flag = flag;
    }

    public String name() {
        return name;
    }

    /** What a value stands for in help and docs, e.g. {@code SECONDS}; null for an on/off switch. */
    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** Null when the setting is off or absent unless given. */
    public T defaultValue() {
        return defaultValue;
    }

    /** An on/off switch: {@code --name} alone turns it on. */
    public boolean isSwitch() {
        return flag;
    }

    public String flagName() {
        return "--" + name;
    }

    public String environmentVariable() {
        return environmentVariable(name);
    }

    static String environmentVariable(String name) {
        return "CHORUS_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    T read(String text) {
        return reader.read(text.strip());
    }

    /** The value as an operator would write it, with any secret in it masked; "" for none. */
    public String show(T value) {
        return value == null ? "" : writer.apply(value);
    }

    public String showDefault() {
        return show(defaultValue);
    }

    @Override
    public String toString() {
        return name;
    }
}
