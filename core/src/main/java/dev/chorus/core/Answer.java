package dev.chorus.core;

/**
 * What the core answers a request it may refuse: done, with a value, or refused, with the reason in words for the
 * user. A store that fails is neither: the request's future fails.
 */
public sealed interface Answer<T> {
    record Done<T>(T value) implements Answer<T> {
    }

    record Refused<T>(String reason) implements Answer<T> {
    }

    static <T> Answer<T> done(T value) {
        return new Done<>(value);
    }

    static <T> Answer<T> refused(String reason) {
        return new Refused<>(reason);
    }
}
