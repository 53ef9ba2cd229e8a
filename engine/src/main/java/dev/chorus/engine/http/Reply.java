package dev.chorus.engine.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a route answers: a status, headers and a body in memory. The {@link Router} writes it — the length, whether
 * the connection stays open, no body to a {@code HEAD} — so no route writes a response itself.
 */
public final class Reply {
    /** The one mapper of the HTTP APIs, for the bodies they read and the JSON they answer. */
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] NOTHING = new byte[0];

    private final HttpResponseStatus status;
    private final HttpHeaders headers = new DefaultHttpHeaders();
    private final byte[] body;

    private Reply(HttpResponseStatus status, String contentType, byte[] body) {
        this.status = status;
        this.body = body;
        if (contentType != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
    }

    /** An API's answer: JSON, never cached, never sniffed as anything else. */
    public static Reply json(HttpResponseStatus status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON body: " + body.getClass(), e);
        }
        return new Reply(status, HttpHeaderValues.APPLICATION_JSON.toString(), bytes)
                .header(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .header("X-Content-Type-Options", "nosniff");
    }

    /** {@code {"error": message}}. */
    public static Reply error(HttpResponseStatus status, String message) {
        return json(status, Map.of("error", message));
    }

    public static Reply of(HttpResponseStatus status, String contentType, byte[] body) {
        return new Reply(status, contentType, body);
    }

    public static Reply text(HttpResponseStatus status, String contentType, String body) {
        return new Reply(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    public static Reply empty(HttpResponseStatus status) {
        return new Reply(status, null, NOTHING);
    }

    /** 405, naming the methods the path takes. */
    public static Reply methodNotAllowed(String allowed) {
        return empty(HttpResponseStatus.METHOD_NOT_ALLOWED).header(HttpHeaderNames.ALLOW, allowed);
    }

    /** Sets a header (adds one more, for {@code Set-Cookie}). @return this reply */
    public Reply header(CharSequence name, Object value) {
        if (HttpHeaderNames.SET_COOKIE.contentEqualsIgnoreCase(name)) {
            headers.add(name, value);
        } else {
            headers.set(name, value);
        }
        return this;
    }

    public HttpResponseStatus status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }
}
