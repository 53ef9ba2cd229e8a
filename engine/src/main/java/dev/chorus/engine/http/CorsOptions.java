package dev.chorus.engine.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;

/**
 * Which browser pages may talk to the server: its own, and the origins allowed here ({@code *} for any). A
 * browser sends the user's cookies with a WebSocket handshake or a form POST from any page — from another port of
 * the same host or a sibling subdomain even under {@code SameSite=Lax}, as they are the same site — and tells the
 * page's {@code Origin}: so a request that names another origin is {@link #permits refused}, and CORS headers let the
 * allowed ones read the answers. Any origin with credentials is refused outright: it would let every site on the web
 * act as the logged-in user.
 */
public record CorsOptions(Set<String> allowedOrigins, boolean allowCredentials) {
    public static final CorsOptions DISABLED = new CorsOptions(Set.of(), false);

    public CorsOptions {
        allowedOrigins = Set.copyOf(allowedOrigins);
        if (allowCredentials && allowedOrigins.contains("*")) {
            throw new IllegalArgumentException("any origin ('*') cannot be allowed with credentials: every site could "
                    + "act as the logged-in user; name the origins instead");
        }
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
            return "*";
        }
        return requestOrigin != null && allowedOrigins.contains(requestOrigin) ? requestOrigin : null;
    }

    /**
     * Whether a request may act at all: it names no origin (not a browser, or a page of this very site fetching
     * with GET), its origin is the host it asked for (the node's own page, the scheme aside: one port speaks one),
     * or an allowed one. An opaque origin ({@code null}: a sandboxed frame, a file) is no one's.
     *
     * @param host the request's {@code Host} header
     */
    public boolean permits(String requestOrigin, String host) {
        if (requestOrigin == null || allowedOrigins.contains("*") || allowedOrigins.contains(requestOrigin)) {
            return true;
        }
        return host != null && isHost(requestOrigin, host);
    }

    private static boolean isHost(String origin, String host) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme();
        if (scheme == null || uri.getHost() == null) {
            return false;
        }
        String defaultPort = ":" + (scheme.equalsIgnoreCase("https") ? 443 : 80);
        String originHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        return strip(originHost, defaultPort).equalsIgnoreCase(strip(host, defaultPort));
    }

    private static String strip(String host, String defaultPort) {
        return host.endsWith(defaultPort) ? host.substring(0, host.length() - defaultPort.length()) : host;
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
