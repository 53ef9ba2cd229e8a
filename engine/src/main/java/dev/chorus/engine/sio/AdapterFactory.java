package dev.chorus.engine.sio;

/** Makes the adapter of each namespace. */
@FunctionalInterface
public interface AdapterFactory {
    Adapter create(Namespace namespace);
}
