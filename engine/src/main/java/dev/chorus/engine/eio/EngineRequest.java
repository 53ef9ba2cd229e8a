package dev.chorus.engine.eio;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the server knows of the HTTP request that opened a session: kept after the request itself is gone, so that
 * upper layers (the Socket.IO handshake, an application reading its login cookie) can see it.
 */
public final class EngineRequest {
    private final String method;
    private final String uri;
    private final String path;
    private final Map<String, List<String>> query;
    private final HttpHeaders headers;
    private final SocketAddress remoteAddress;
    private final Instant receivedAt;

    EngineRequest(HttpRequest request, QueryStringDecoder decoder, SocketAddress remoteAddress) {
        this.method = request.method().name();
        this.uri = request.uri();
        this.path = decoder.path();
        this.query = Map.copyOf(decoder.parameters());
        this.headers = compact(request.headers());
        this.remoteAddress = remoteAddress;
        this.receivedAt = Instant.now();
    }

    /**
     * A session keeps its handshake's headers as long as it lives: as one array of names and values, a fraction of
     * what a mutable copy holds per header.
     */
    private static HttpHeaders compact(HttpHeaders headers) {
        CharSequence[] pairs = new CharSequence[headers.size() * 2];
        int i = 0;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            pairs[i++] = header.getKey();
            pairs[i++] = header.getValue().toString();
        }
        return new ReadOnlyHttpHeaders(false, i == pairs.length ? pairs : Arrays.copyOf(pairs, i));
    }

    public String method() {
        return method;
    }

    public String uri() {
        return uri;
    }

    public String path() {
        return path;
    }

    public Map<String, List<String>> query() {
        return query;
    }

    /** @return the first value of a query parameter, or null */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public HttpHeaders headers() {
        return headers;
    }

    public String header(CharSequence name) {
        return headers.get(name);
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
        return receivedAt;
    }
}
