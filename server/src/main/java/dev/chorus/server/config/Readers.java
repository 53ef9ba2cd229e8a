package dev.chorus.server.config;

import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** How the kinds of value a setting can hold are read from text, and written back. */
public final class Readers {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    private static final Map<String, ChronoUnit> SUFFIXES = Map.of("ms", ChronoUnit.MILLIS, "s", ChronoUnit.SECONDS,
            "m", ChronoUnit.MINUTES, "h", ChronoUnit.HOURS, "d", ChronoUnit.DAYS);

    private Readers() {
    }

    public static Key.Reader<String> text() {
        return text -> {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("is empty");
            }
            return text;
        };
    }

    public static Key.Reader<Integer> integer(int min, int max) {
        return text -> {
            int value;
            try {
                value = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a whole number");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException(value + " is out of range: " + min + " to " + max);
            }
            return value;
        };
    }

    /** A number above zero. */
    public static Key.Reader<Double> positiveDecimal() {
        return text -> {
            double value;
            try {
                value = new BigDecimal(text).doubleValue();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a number");
            }
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(text + " is not above zero");
            }
            return value;
        };
    }

    public static Key.Reader<Boolean> bool() {
        return text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
        };
    }

    public static <E extends Enum<E>> Key.Reader<E> choice(Class<E> type) {
        return text -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(text)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("'" + text + "' is not one of " + Arrays.stream(type.getEnumConstants())
                    .map(Readers::choiceName).collect(Collectors.joining(", ")));
        };
    }

    public static String choiceName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /**
     * A whole number in the setting's unit ({@code 90}), or with a unit of its own ({@code 90s}, {@code 15m},
     * {@code 500ms}, {@code 12h}, {@code 30d}); at least {@code min}.
     */
    public static Key.Reader<Duration> duration(ChronoUnit unit, Duration min) {
        return text -> {
            Matcher matcher = DURATION.matcher(text);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a duration: a whole number of "
                        + unit.toString().toLowerCase(Locale.ROOT) + ", or one with a unit: 500ms, 90s, 15m, 12h, 30d");
            }
            Duration value;
            try {
                value = Duration.of(Long.parseLong(matcher.group(1)),
                        matcher.group(2) == null ? unit : SUFFIXES.get(matcher.group(2)));
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is too long a duration");
            }
            if (value.compareTo(min) < 0) {
                throw new IllegalArgumentException("'" + text + "' is shorter than " + writeDuration(unit).apply(min));
            }
            return value;
        };
    }

    /** A duration in the setting's unit when it is whole in it, else in the largest unit it is whole in. */
    public static Function<Duration, String> writeDuration(ChronoUnit unit) {
        return value -> {
            if (value.toNanos() % unit.getDuration().toNanos() == 0) {
                return Long.toString(value.toNanos() / unit.getDuration().toNanos());
            }
            for (String suffix : List.of("d", "h", "m", "s", "ms")) {
                long nanos = SUFFIXES.get(suffix).getDuration().toNanos();
                if (value.toNanos() % nanos == 0) {
                    return value.toNanos() / nanos + suffix;
                }
            }
            return value.toMillis() + "ms";
        };
    }

    /** Items separated by commas; none is empty. */
    public static Key.Reader<List<String>> list(Key.Reader<String> item) {
        return text -> {
            if (text.isEmpty()) {
                return List.of();
            }
            return Arrays.stream(text.split(",", -1)).map(String::strip).map(item::read).toList();
        };
    }

    public static Key.Reader<Path> path() {
        return text -> {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("is empty");
            }
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("'" + text + "' is not a path: " + e.getReason());
            }
        };
    }
}
