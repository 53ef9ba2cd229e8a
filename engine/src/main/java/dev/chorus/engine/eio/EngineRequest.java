package dev.chorus.engine.eio;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the server knows of the HTTP request that opened a session: kept after the request itself is gone, so that
 * upper layers (the Socket.IO handshake, an application reading its login cookie) can see it.
 */
public final class EngineRequest {
    private final String method;
    /**
     * Path and query are read from it when asked for, which the handshake does a few times per session: a
     * connection that stays open for hours holds one string instead of the parsed parts.
     */
    private final String uri;
    /** The headers as "name:value" lines: one string for as long as the session lives, parsed when asked for. */
    private final String headerLines;
    private final SocketAddress remoteAddress;
    private final long receivedAtMillis;

    EngineRequest(HttpRequest request, SocketAddress remoteAddress) {
        this.method = request.method().name();
        this.uri = request.uri();
        this.headerLines = lines(request.headers());
        this.remoteAddress = remoteAddress;
        this.receivedAtMillis = System.currentTimeMillis();
    }

    private static String lines(HttpHeaders headers) {
        StringBuilder lines = new StringBuilder(headers.size() * 32);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            // The decoder has already refused line breaks in names and values; a name has no colon.
            lines.append(header.getKey()).append(':').append(header.getValue()).append('\n');
        }
        return lines.toString();
    }

    public String method() {
        return method;
    }

    public String uri() {
        return uri;
    }

    public String path() {
        return new QueryStringDecoder(uri).path();
    }

    public Map<String, List<String>> query() {
        return new QueryStringDecoder(uri).parameters();
    }

    /** @return the first value of a query parameter, or null */
    public String queryParam(String name) {
        List<String> values = query().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The request's headers, read-only; made anew on every call, which the handshake and its checks make rarely. */
    public HttpHeaders headers() {
        List<CharSequence> pairs = new ArrayList<>();
        int start = 0;
        for (int end = headerLines.indexOf('\n'); end >= 0; start = end + 1, end = headerLines.indexOf('\n', start)) {
            int colon = headerLines.indexOf(':', start);
            pairs.add(headerLines.substring(start, colon));
            pairs.add(headerLines.substring(colon + 1, end));
        }
        return new ReadOnlyHttpHeaders(false, pairs.toArray(CharSequence[]::new));
    }

    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** The peer's IP address as text, or the address's text form for non-IP transports. */
    public String remoteHost() {
        if (remoteAddress instanceof InetSocketAddress inet) {
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return String.valueOf(remoteAddress);
    }

    public Instant receivedAt() {
        return Instant.ofEpochMilli(receivedAtMillis);
    }
}
