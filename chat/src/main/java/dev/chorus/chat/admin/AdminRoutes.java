package dev.chorus.chat.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.chat.rooms.ChatRooms;
import dev.chorus.chat.web.SessionCookie;
import dev.chorus.chat.web.StaticFiles;
import dev.chorus.core.account.Account;
import dev.chorus.core.account.Accounts;
import dev.chorus.core.session.Sessions;
import dev.chorus.engine.http.Reply;
import dev.chorus.engine.http.RouteRequest;
import dev.chorus.engine.http.Routes;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin view at {@code /admin}: its page, and its JSON API under {@code /admin/api/} — the cluster's nodes with
 * their connections, the rooms and their members, who is online; kick a user, close a room. Only for a logged-in
 * account with the admin flag: anyone else gets 404, as if there were nothing here. Off altogether when anyone
 * can log in under any name (guest mode).
 */
public final class AdminRoutes implements Routes {
    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
    private static final String ROOT = "/admin";
    private static final String API = ROOT + "/api/";
    /** The overview lists members for this many rooms at most; the admin page shows no more anyway. */
    private static final int MAX_ROOMS = 200;

    /** The nodes of the cluster, each with its {@code load}; just this node when it runs alone. */
    @FunctionalInterface
    public interface Cluster {
        CompletableFuture<List<Map<String, Object>>> nodes();
    }

    private final Accounts accounts;
    private final Sessions sessions;
    private final SessionCookie cookie;
    private final ChatRooms chat;
    private final Cluster cluster;
    private final StaticFiles page;
    private final boolean enabled;

    /**
     * @param page    the admin page's files, served at {@code /admin/}
     * @param enabled false when names are not protected by passwords: no one is then an admin
     */
    public AdminRoutes(Accounts accounts, Sessions sessions, SessionCookie cookie, ChatRooms chat, Cluster cluster,
            StaticFiles page, boolean enabled) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.cookie = cookie;
        this.chat = chat;
        this.cluster = cluster;
        this.page = page;
        this.enabled = enabled;
    }

    @Override
    public CompletableFuture<Reply> serve(RouteRequest request) {
        String path = request.path();
        if (!path.equals(ROOT) && !path.startsWith(ROOT + "/")) {
            return null;
        }
        if (!enabled) {
            return notFound();
        }
        return admin(request).handle((admin, error) -> {
            if (error != null) {
                log.warn("{} {}: the admin check failed", request.method(), path, error);
                return done(HttpResponseStatus.SERVICE_UNAVAILABLE, "accounts are not available");
            }
            if (admin.isEmpty()) {
                return notFound();
            }
            if (path.startsWith(API)) {
                return api(request, path.substring(API.length()), admin.get());
            }
            CompletableFuture<Reply> file = page.serve(request,
                    path.equals(ROOT) ? "/" : path.substring(ROOT.length()));
            return file != null ? file : notFound();
        }).thenCompose(reply -> reply);
    }

    /** The admin's name, when the request comes from a session of an account with the admin flag. */
    private CompletableFuture<Optional<String>> admin(RouteRequest request) {
        return sessions.resolve(cookie.read(request.headers())).thenCompose(session -> session.isEmpty()
                ? CompletableFuture.completedFuture(Optional.<String>empty())
                : accounts.find(session.get().username()).thenApply(account -> account.filter(Account::admin)
                        .map(Account::username)));
    }

    private CompletableFuture<Reply> api(RouteRequest request, String call, String admin) {
        HttpMethod method = request.method();
        CompletableFuture<Reply> reply;
        if (call.equals("overview")) {
            reply = method == HttpMethod.GET ? overview() : notAllowed("GET");
        } else if (call.equals("kick") || call.equals("close-room")) {
            Optional<String> refused = method == HttpMethod.POST ? notJson(request) : Optional.of("POST only");
            if (refused.isPresent()) {
                reply = method == HttpMethod.POST
                        ? done(HttpResponseStatus.FORBIDDEN, refused.get()) : notAllowed("POST");
            } else {
                reply = call.equals("kick") ? kick(body(request), admin) : closeRoom(body(request), admin);
            }
        } else {
            reply = done(HttpResponseStatus.NOT_FOUND, "not found");
        }
        return reply.exceptionally(error -> {
            log.warn("admin {}: {} {} failed", admin, method, call, error);
            return Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
        });
    }

    /**
     * A form on another site can post to this one with the admin's cookie; it cannot send JSON (and the router
     * refuses its foreign Origin). So a change must come as JSON.
     */
    private static Optional<String> notJson(RouteRequest request) {
        return request.isJson() ? Optional.empty()
                : Optional.of("expected a JSON body (Content-Type: application/json)");
    }

    private CompletableFuture<Reply> overview() {
        CompletableFuture<List<Map<String, Object>>> nodes = cluster.nodes();
        CompletableFuture<Map<String, List<String>>> rooms = chat.roomsWithMembers(MAX_ROOMS);
        CompletableFuture<Map<String, Integer>> online = chat.online();
        return CompletableFuture.allOf(nodes, rooms, online).thenApply(all -> {
            List<Map<String, Object>> roomList = new ArrayList<>();
            rooms.join().forEach((name, members) -> roomList.add(Map.of("name", name, "members", members)));
            List<Map<String, Object>> users = new ArrayList<>();
            online.join().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(user -> users.add(Map.of("user", user.getKey(), "connections", user.getValue())));
            return Reply.json(HttpResponseStatus.OK, Map.of("nodes", nodes.join(), "rooms", roomList, "online", users));
        });
    }

    private CompletableFuture<Reply> kick(JsonNode body, String admin) {
        String user = body.path("user").asText("");
        if (user.isBlank() || user.length() > 64) {
            return done(HttpResponseStatus.BAD_REQUEST, "expected {\"user\": name}");
        }
        return chat.kick(user).thenApply(ended -> {
            log.info("admin {} kicked user {}: {} sessions ended, sockets disconnected on every node", admin, user,
                    ended);
            return Reply.json(HttpResponseStatus.OK, Map.of("user", user, "sessionsEnded", ended));
        });
    }

    private CompletableFuture<Reply> closeRoom(JsonNode body, String admin) {
        String room = body.path("room").asText("");
        Optional<String> problem = ChatRooms.checkRoomName(room);
        if (problem.isPresent()) {
            return done(HttpResponseStatus.BAD_REQUEST, problem.get());
        }
        chat.closeRoom(room);
        log.info("admin {} closed room {}", admin, room);
        return CompletableFuture.completedFuture(Reply.json(HttpResponseStatus.OK,
                Map.of("room", room, "closed", true)));
    }

    private JsonNode body(RouteRequest request) {
        try {
            JsonNode body = Reply.JSON.readTree(request.body());
            return body == null ? Reply.JSON.createObjectNode() : body;
        } catch (IOException e) {
            return Reply.JSON.createObjectNode();
        }
    }

    private static CompletableFuture<Reply> done(HttpResponseStatus status, String error) {
        return CompletableFuture.completedFuture(Reply.error(status, error));
    }

    private static CompletableFuture<Reply> notFound() {
        return done(HttpResponseStatus.NOT_FOUND, "not found");
    }

    private static CompletableFuture<Reply> notAllowed(String allowed) {
        return done(HttpResponseStatus.METHOD_NOT_ALLOWED, allowed + " only");
    }
}
