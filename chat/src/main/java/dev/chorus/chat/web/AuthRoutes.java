package dev.chorus.chat.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.core.account.Account;
import dev.chorus.core.account.AccountException;
import dev.chorus.core.account.Accounts;
import dev.chorus.core.limits.LoginThrottle;
import dev.chorus.core.session.Sessions;
import dev.chorus.engine.http.Reply;
import dev.chorus.engine.http.RouteRequest;
import dev.chorus.engine.http.Routes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP JSON API of accounts and login sessions: {@code POST /register}, {@code POST /login},
 * {@code POST /logout}, {@code GET /me}; other requests are other routes'. Store and hashing work runs off the
 * event loop; the {@link dev.chorus.engine.http.Router} writes the reply when it completes.
 */
public final class AuthRoutes implements Routes {
    private static final Logger log = LoggerFactory.getLogger(AuthRoutes.class);

    private final Accounts accounts;
    private final Sessions sessions;
    private final SessionCookie cookie;
    private final AuthMode mode;
    private final LoginThrottle throttle;
    private final boolean trustProxy;
    private final Counter loggedIn;
    private final Counter loginFailed;
    private final Counter loginThrottled;

    /** @param trustProxy whether the client's address is the first of {@code X-Forwarded-For} */
    public AuthRoutes(Accounts accounts, Sessions sessions, SessionCookie cookie, AuthMode mode,
            LoginThrottle throttle, boolean trustProxy, MeterRegistry meters) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.cookie = cookie;
        this.mode = mode;
        this.throttle = throttle;
        this.trustProxy = trustProxy;
        this.loggedIn = logins(meters, "ok");
        this.loginFailed = logins(meters, "failed");
        this.loginThrottled = logins(meters, "throttled");
    }

    private static Counter logins(MeterRegistry meters, String result) {
        return Counter.builder("chorus.logins").tag("result", result)
                .description("Logins (registrations included), by outcome").register(meters);
    }

    @Override
    public CompletableFuture<Reply> serve(RouteRequest request) {
        String path = request.path();
        HttpMethod method = request.method();
        if (path.equals("/login") && method == HttpMethod.POST) {
            return login(request, clientAddress(request));
        } else if (path.equals("/register") && method == HttpMethod.POST) {
            return register(request);
        } else if (path.equals("/logout") && method == HttpMethod.POST) {
            return logout(request.headers());
        } else if (path.equals("/me") && method == HttpMethod.GET) {
            return me(request.headers());
        }
        return null;
    }

    private CompletableFuture<Reply> login(RouteRequest request, String address) {
        Optional<Credentials> credentials = credentials(request);
        if (credentials.isEmpty()) {
            return CompletableFuture.completedFuture(badJson());
        }
        Credentials given = credentials.get();
        long wait = throttle.retryAfterMillis(given.username(), address);
        if (wait > 0) {
            log.info("login of {} from {} refused: too many failed attempts", given.username(), address);
            long seconds = Math.max(1, (wait + 999) / 1000);
            loginThrottled.increment();
            return CompletableFuture.completedFuture(Reply.json(HttpResponseStatus.TOO_MANY_REQUESTS,
                    Map.of("error", "too many failed logins, try again later", "retryAfterSeconds", seconds)));
        }
        CompletableFuture<Optional<Account>> checked = mode == AuthMode.GUEST
                ? accounts.guest(given.username())
                : accounts.authenticate(given.username(), given.password());
        HttpHeaders headers = request.headers();
        return checked.thenCompose(account -> {
            if (account.isEmpty()) {
                throttle.failed(given.username(), address);
                loginFailed.increment();
                log.info("login of {} from {} failed", given.username(), address);
                return CompletableFuture.completedFuture(Reply.error(HttpResponseStatus.UNAUTHORIZED,
                        mode == AuthMode.GUEST ? "that name cannot be used" : "wrong username or password"));
            }
            loggedIn.increment();
            return startSession(account.get().username(), headers, HttpResponseStatus.OK);
        });
    }

    private String clientAddress(RouteRequest request) {
        String forwarded = trustProxy ? request.header("X-Forwarded-For") : null;
        if (forwarded != null && !forwarded.isBlank()) {
            return forwarded.split(",", 2)[0].trim();
        }
        return request.remote() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(request.remote());
    }

    private CompletableFuture<Reply> register(RouteRequest request) {
        Optional<Credentials> credentials = credentials(request);
        if (credentials.isEmpty()) {
            return CompletableFuture.completedFuture(badJson());
        }
        HttpHeaders headers = request.headers();
        return accounts.register(credentials.get().username(), credentials.get().password(), false)
                .thenCompose(account -> {
                    loggedIn.increment();
                    return startSession(account.username(), headers, HttpResponseStatus.CREATED);
                })
                .exceptionally(error -> {
                    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                    if (cause instanceof AccountException refused) {
                        HttpResponseStatus status = refused.getMessage().equals("username is taken")
                                ? HttpResponseStatus.CONFLICT : HttpResponseStatus.BAD_REQUEST;
                        return Reply.error(status, refused.getMessage());
                    }
                    throw new CompletionException(cause);
                });
    }

    /** A new session id at every login, and the one the client came with (if any) ended: no session fixation. */
    private CompletableFuture<Reply> startSession(String username, HttpHeaders request, HttpResponseStatus status) {
        String previous = cookie.read(request);
        CompletableFuture<Void> ended = previous != null ? sessions.close(previous)
                : CompletableFuture.completedFuture(null);
        return ended.thenCompose(done -> sessions.open(username)).thenApply(session -> Reply.json(status,
                Map.of("user", username)).header(HttpHeaderNames.SET_COOKIE,
                        cookie.issue(session.id(), sessions.absoluteTimeout(), request)));
    }

    private CompletableFuture<Reply> logout(HttpHeaders headers) {
        String id = cookie.read(headers);
        CompletableFuture<Void> ended = id != null ? sessions.close(id) : CompletableFuture.completedFuture(null);
        HttpHeaders copy = headers.copy();
        return ended.thenApply(done -> Reply.json(HttpResponseStatus.OK, Map.of("ok", true))
                .header(HttpHeaderNames.SET_COOKIE, cookie.clear(copy)));
    }

    /** Who is logged in, and whether they may open the admin view (never in guest mode, where names are free). */
    private CompletableFuture<Reply> me(HttpHeaders headers) {
        return sessions.resolve(cookie.read(headers)).thenCompose(session -> {
            if (session.isEmpty()) {
                return CompletableFuture.completedFuture(Reply.error(HttpResponseStatus.UNAUTHORIZED, "not logged in"));
            }
            String user = session.get().username();
            CompletableFuture<Boolean> admin = mode == AuthMode.PASSWORD
                    ? accounts.find(user).thenApply(account -> account.map(Account::admin).orElse(false))
                    : CompletableFuture.completedFuture(false);
            return admin.thenApply(isAdmin -> Reply.json(HttpResponseStatus.OK,
                    Map.of("user", user, "admin", isAdmin)));
        });
    }

    private record Credentials(String username, String password) {
    }

    private Optional<Credentials> credentials(RouteRequest request) {
        try {
            JsonNode body = Reply.JSON.readTree(request.body());
            if (body == null || !body.path("username").isTextual()) {
                return Optional.empty();
            }
            JsonNode password = body.path("password");
            return Optional.of(new Credentials(body.get("username").asText(),
                    password.isTextual() ? password.asText() : null));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Reply badJson() {
        return Reply.error(HttpResponseStatus.BAD_REQUEST,
                "expected a JSON body {\"username\": ..., \"password\": ...}");
    }
}
