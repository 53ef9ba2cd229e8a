package dev.chorus.engine.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A request as a route sees it: the path decoded once, the body copied out of Netty's buffer, which the
 * {@link Router} releases before any route runs. A route owns nothing it must release.
 *
 * @param path   the decoded path, without the query
 * @param remote the peer's address (a proxy's, behind one)
 * @param client the client's address, as {@link TrustedProxies} tell it
 * @param secure whether the client came over https (through a trusted proxy)
 */
public record RouteRequest(HttpMethod method, String path, Map<String, List<String>> query, HttpHeaders headers,
        byte[] body, SocketAddress remote, String client, boolean secure) {
    public String header(CharSequence name) {
        return headers.get(name);
    }

    /** The first value of a query parameter, or null. */
    public String parameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Whether the body is declared JSON: a form or a {@code text/plain} post, which any page may send without asking,
     * is not.
     */
    public boolean isJson() {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.split(";", 2)[0].strip().equalsIgnoreCase("application/json");
    }

    public boolean isGetOrHead() {
        return method == HttpMethod.GET || method == HttpMethod.HEAD;
    }
}
