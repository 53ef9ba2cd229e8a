package dev.chorus.engine.eio;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
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

    /** Adds the headers that let the request's origin read the response, when it is allowed. */
    public void applyTo(HttpHeaders headers, String requestOrigin) {
        if (!enabled()) {
            return;
        }
        String allowed = allowOriginFor(requestOrigin);
        if (allowed == null) {
            return;
        }
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
        if (!"*".equals(allowed)) {
            headers.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
        if (allowCredentials) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
    }

    /** The headers of the answer to a preflight, besides those of {@link #applyTo}. */
    public HttpHeaders preflight(String requestedHeaders) {
        HttpHeaders headers = new DefaultHttpHeaders()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET,HEAD,PUT,PATCH,POST,DELETE");
        if (requestedHeaders != null) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requestedHeaders);
            headers.add(HttpHeaderNames.VARY, HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        }
        return headers;
    }
}
