package dev.chorus.engine.sio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.engine.eio.EngineRequest;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Instant;

/** What a socket's client showed when it connected: the HTTP request of its session and the CONNECT auth payload. */
public final class Handshake {
    private final EngineRequest request;
    private final JsonNode auth;

    Handshake(EngineRequest request, JsonNode auth) {
        this.request = request;
        this.auth = auth;
    }

    public HttpHeaders headers() {
        return request.headers();
    }

    /** @return the first value of a query parameter, or null */
    public String query(String name) {
        return request.queryParam(name);
    }

    /** The CONNECT payload: an object, empty when the client sent none. */
    public JsonNode auth() {
        return auth;
    }

    public String address() {
        return request.remoteHost();
    }

    public Instant time() {
        return request.receivedAt();
    }

    public String url() {
        return request.uri();
    }

    public EngineRequest request() {
        return request;
    }
}
