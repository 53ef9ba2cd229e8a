package dev.chorus.engine.eio;

import java.util.Locale;

/** The transports a client may ask for in the {@code transport} query parameter. */
public enum TransportName {
    POLLING,
    WEBSOCKET;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the transport for a query value, or null when the value names none */
    public static TransportName parse(String value) {
        if ("polling".equals(value)) {
            return POLLING;
        }
        if ("websocket".equals(value)) {
            return WEBSOCKET;
        }
        return null;
    }
}
