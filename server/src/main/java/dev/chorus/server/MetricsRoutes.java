package dev.chorus.server;

import dev.chorus.engine.http.Reply;
import dev.chorus.engine.http.RouteRequest;
import dev.chorus.engine.http.Routes;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /metrics}: the node's meters in the Prometheus text format. A scrape only reads counters and live
 * state in memory, so it is served on the event loop.
 */
final class MetricsRoutes implements Routes {
    static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final NodeMetrics metrics;

    MetricsRoutes(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<Reply> serve(RouteRequest request) {
        if (!PATH.equals(request.path())) {
            return null;
        }
        return CompletableFuture.completedFuture(request.isGetOrHead()
                ? Reply.text(HttpResponseStatus.OK, CONTENT_TYPE, metrics.scrape())
                        .header(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                : Reply.methodNotAllowed("GET, HEAD"));
    }
}
