package dev.chorus.server.config;

/** Where a setting's effective value came from, weakest first: a later source overrides every earlier one. */
public enum Source {
    DEFAULT("default"),
    FILE("config file"),
    ENVIRONMENT("environment"),
    FLAG("flag");

    private final String label;

    Source(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
