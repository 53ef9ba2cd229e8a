package dev.chorus.server;

import dev.chorus.engine.http.Reply;
import dev.chorus.engine.http.RouteRequest;
import dev.chorus.engine.http.Routes;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /xmpp-client/settings.json}: what the XMPP web client page (converse.js, served with the web chat's
 * files) needs to know of this node: its XMPP domain, its room service and where its BOSH and WebSocket endpoints
 * are.
 */
final class XmppClientSettings implements Routes {
    static final String PATH = "/xmpp-client/settings.json";

    private final Map<String, String> settings;

    XmppClientSettings(String domain, String roomService) {
        this.settings = Map.of("domain", domain, "rooms", roomService, "bosh", XmppService.BOSH_PATH,
                "websocket", XmppService.WEBSOCKET_PATH);
    }

    @Override
    public CompletableFuture<Reply> serve(RouteRequest request) {
        if (!PATH.equals(request.path())) {
            return null;
        }
        return CompletableFuture.completedFuture(request.isGetOrHead() ? Reply.json(HttpResponseStatus.OK, settings)
                : Reply.methodNotAllowed("GET, HEAD"));
    }
}
