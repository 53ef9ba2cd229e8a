package dev.chorus.server;

import dev.chorus.engine.http.Reply;
import dev.chorus.engine.http.RouteRequest;
import dev.chorus.engine.http.Routes;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own routes. {@code /health} and {@code /health/ready} say whether the node takes work now (503 when
 * not: starting, stopping, Redis unreachable); {@code /health/live} only that the process answers; {@code /cluster}
 * lists the live nodes.
 */
public final class NodeRoutes implements Routes {
    static final String CLUSTER = "/cluster";

    private static final Logger log = LoggerFactory.getLogger(NodeRoutes.class);

    private final BooleanSupplier ready;
    private final Supplier<CompletableFuture<List<Map<String, Object>>>> nodes;

    public NodeRoutes(BooleanSupplier ready) {
        this(ready, () -> CompletableFuture.completedFuture(List.of()));
    }

    public NodeRoutes(BooleanSupplier ready, Supplier<CompletableFuture<List<Map<String, Object>>>> nodes) {
        this.ready = ready;
        this.nodes = nodes;
    }

    @Override
    public CompletableFuture<Reply> serve(RouteRequest request) {
        String path = request.path();
        if ("/health".equals(path) || "/health/ready".equals(path)) {
            boolean up = ready.getAsBoolean();
            return CompletableFuture.completedFuture(up ? Reply.json(HttpResponseStatus.OK, Map.of("status", "ok"))
                    : Reply.json(HttpResponseStatus.SERVICE_UNAVAILABLE, Map.of("status", "unavailable")));
        }
        if ("/health/live".equals(path)) {
            return CompletableFuture.completedFuture(Reply.json(HttpResponseStatus.OK, Map.of("status", "ok")));
        }
        if (CLUSTER.equals(path)) {
            return nodes.get().handle((list, error) -> {
                if (error != null) {
                    log.warn("the cluster's nodes could not be read: {}", error.toString());
                    return Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "the cluster is not reachable");
                }
                return Reply.json(HttpResponseStatus.OK, Map.of("nodes", list));
            });
        }
        return null;
    }
}
