package dev.chorus.server.config;

/** A configuration the node must not start with; the message names the key and where its value came from. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
