package dev.chorus.engine.eio;

import java.util.List;
import java.util.Set;

/**
 * Which browser origins may talk to the server from another origin. {@code *} allows any origin; with credentials
 * the request's own origin is echoed instead, because browsers reject {@code *} together with credentials.
 */
public record CorsOptions(Set<String> allowedOrigins, boolean allowCredentials) {
    public static final CorsOptions DISABLED = new CorsOptions(Set.of(), false);

    public CorsOptions {
        allowedOrigins = Set.copyOf(allowedOrigins);
    }

    public static CorsOptions anyOrigin() {
        return new CorsOptions(Set.of("*"), false);
    }

    public static CorsOptions of(List<String> origins, boolean allowCredentials) {
        return new CorsOptions(Set.copyOf(origins), allowCredentials);
    }

    public boolean enabled() {
        return !allowedOrigins.isEmpty();
    }

    /** @return the value for {@code Access-Control-Allow-Origin}, or null when this origin is not allowed */
    public String allowOriginFor(String requestOrigin) {
        if (allowedOrigins.contains("*")) {
            return allowCredentials && requestOrigin != null ? requestOrigin : "*";
        }
        return requestOrigin != null && allowedOrigins.contains(requestOrigin) ? requestOrigin : null;
    }
}
