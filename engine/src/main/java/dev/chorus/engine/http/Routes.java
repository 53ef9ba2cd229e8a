package dev.chorus.engine.http;

import java.util.concurrent.CompletableFuture;

/** Some of a node's HTTP paths: an API, a folder of files, the node's own routes. */
@FunctionalInterface
public interface Routes {
    /**
     * @return the reply, once there is one; null when none of these routes takes the request, which then goes to
     *         the next routes of the {@link Router}
     */
    CompletableFuture<Reply> serve(RouteRequest request);
}
