package dev.chorus.server;

import dev.chorus.engine.http.Networks;
import dev.chorus.engine.http.Refusals;
import dev.chorus.engine.http.Reply;
import dev.chorus.engine.http.RouteRequest;
import dev.chorus.engine.http.Routes;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps the operations endpoints ({@code /metrics}, {@code /cluster}: the node's internals, the cluster's addresses)
 * for operators: a client from the configured networks — by its address as the trusted proxies tell it, so the
 * outside does not pass for the proxy — or one that shows the token. Goes before the routes it guards; leaves every
 * other request to them.
 */
final class OperationsGuard implements Routes {
    static final Set<String> PATHS = Set.of(MetricsRoutes.PATH, NodeRoutes.CLUSTER);

    private final Networks networks;
    private final byte[] token;
    private final Refusals refusals;

    /** @param token the bearer token that opens them from anywhere, or null */
    OperationsGuard(Networks networks, String token, Refusals refusals) {
        this.networks = networks;
        this.token = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.refusals = refusals;
    }

    @Override
    public CompletableFuture<Reply> serve(RouteRequest request) {
        if (!PATHS.contains(request.path()) || networks.contains(request.client()) || showsToken(request)) {
            return null;
        }
        refusals.refuse("operations", request.client(), request.method() + " " + request.path());
        return CompletableFuture.completedFuture(Reply.error(HttpResponseStatus.FORBIDDEN,
                "for operators only: from the ops-networks, or with the ops-token"));
    }

    private boolean showsToken(RouteRequest request) {
        String given = request.header(HttpHeaderNames.AUTHORIZATION);
        // Compared in constant time: the answer's timing tells nothing of how much of a guess was right.
        return token != null && given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
    }
}
