package dev.chorus.chat.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.core.account.Account;
import dev.chorus.core.account.AccountException;
import dev.chorus.core.account.Accounts;
import dev.chorus.core.account.HashingBusyException;
import dev.chorus.core.limits.LoginThrottle;
import dev.chorus.core.session.Sessions;
import dev.chorus.engine.http.Refusals;
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
    private final Refusals refusals;
    private final Counter loggedIn;
    private final Counter loginFailed;
    private final Counter loginThrottled;

    public AuthRoutes(Accounts accounts, Sessions sessions, SessionCookie cookie, AuthMode mode,
            LoginThrottle throttle, Refusals refusals, MeterRegistry meters) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.cookie = cookie;
        this.mode = mode;
        this.throttle = throttle;
        this.refusals = refusals;
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
            return login(request);
        } else if (path.equals("/register") && method == HttpMethod.POST) {
            return register(request);
        } else if (path.equals("/logout") && method == HttpMethod.POST) {
            return logout(request);
        } else if (path.equals("/me") && method == HttpMethod.GET) {
            return me(request.headers());
        }
        return null;
    }

    private CompletableFuture<Reply> login(RouteRequest request) {
        Optional<Credentials> credentials = credentials(request);
        if (credentials.isEmpty()) {
            return CompletableFuture.completedFuture(badJson(request));
        }
        Credentials given = credentials.get();
        if (mode == AuthMode.GUEST) {
            // No password to guess: nothing to throttle.
            return accounts.guest(given.username()).thenCompose(account -> loggedIn(request, given, account));
        }
        String address = request.client();
        return throttle.beginLogin(given.username(), address).thenCompose(wait -> {
            if (wait > 0) {
                loginThrottled.increment();
                refusals.refuse("login-throttled", address, "login of " + given.username());
                return CompletableFuture.completedFuture(tooMany("too many failed logins, try again later", wait));
            }
            return accounts.authenticate(given.username(), given.password())
                    .thenCompose(account -> account.isPresent()
                            ? throttle.giveBack(given.username(), address).thenApply(done -> account)
                            : CompletableFuture.completedFuture(account))
                    .thenCompose(account -> loggedIn(request, given, account))
                    .exceptionally(error -> {
                        if (cause(error) instanceof HashingBusyException) {
                            throttle.giveBack(given.username(), address);
                        }
                        return busy(error, request, "login of " + given.username());
                    });
        });
    }

    private CompletableFuture<Reply> loggedIn(RouteRequest request, Credentials given, Optional<Account> account) {
        if (account.isEmpty()) {
            loginFailed.increment();
            log.info("login of {} from {} failed", given.username(), request.client());
            return CompletableFuture.completedFuture(Reply.error(HttpResponseStatus.UNAUTHORIZED,
                    mode == AuthMode.GUEST ? "that name cannot be used" : "wrong username or password"));
        }
        loggedIn.increment();
        return startSession(account.get().username(), request, HttpResponseStatus.OK);
    }

    private CompletableFuture<Reply> register(RouteRequest request) {
        Optional<Credentials> credentials = credentials(request);
        if (credentials.isEmpty()) {
            return CompletableFuture.completedFuture(badJson(request));
        }
        Credentials given = credentials.get();
        return throttle.beginRegistration(request.client()).thenCompose(wait -> {
            if (wait > 0) {
                refusals.refuse("register-throttled", request.client(), "registration of " + given.username());
                return CompletableFuture.completedFuture(tooMany("too many registrations, try again later", wait));
            }
            return accounts.register(given.username(), given.password(), false)
                    .thenCompose(account -> {
                        loggedIn.increment();
                        return startSession(account.username(), request, HttpResponseStatus.CREATED);
                    })
                    .exceptionally(error -> {
                        if (cause(error) instanceof AccountException refused) {
                            return Reply.error(refused.getMessage().equals(Accounts.TAKEN)
                                    ? HttpResponseStatus.CONFLICT : HttpResponseStatus.BAD_REQUEST,
                                    refused.getMessage());
                        }
                        return busy(error, request, "registration of " + given.username());
                    });
        });
    }

    /** 503 when the hashing pool is full; any other failure stays one (a 500, logged by the router). */
    private Reply busy(Throwable error, RouteRequest request, String what) {
        Throwable cause = cause(error);
        if (cause instanceof HashingBusyException busy) {
            refusals.refuse("hashing-busy", request.client(), what);
            return Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, busy.getMessage())
                    .header(HttpHeaderNames.RETRY_AFTER, "1");
        }
        throw new CompletionException(cause);
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static Reply tooMany(String message, long waitMillis) {
        long seconds = Math.max(1, (waitMillis + 999) / 1000);
        return Reply.json(HttpResponseStatus.TOO_MANY_REQUESTS, Map.of("error", message, "retryAfterSeconds", seconds))
                .header(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds));
    }

    /** A new session id at every login, and the one the client came with (if any) ended: no session fixation. */
    private CompletableFuture<Reply> startSession(String username, RouteRequest request, HttpResponseStatus status) {
        String previous = cookie.read(request.headers());
        CompletableFuture<Void> ended = previous != null ? sessions.close(previous)
                : CompletableFuture.completedFuture(null);
        return ended.thenCompose(done -> sessions.open(username)).thenApply(session -> Reply.json(status,
                Map.of("user", username)).header(HttpHeaderNames.SET_COOKIE,
                        cookie.issue(session.id(), sessions.absoluteTimeout(), request.secure())));
    }

    private CompletableFuture<Reply> logout(RouteRequest request) {
        String id = cookie.read(request.headers());
        CompletableFuture<Void> ended = id != null ? sessions.close(id) : CompletableFuture.completedFuture(null);
        return ended.thenApply(done -> Reply.json(HttpResponseStatus.OK, Map.of("ok", true))
                .header(HttpHeaderNames.SET_COOKIE, cookie.clear(request.secure())));
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

    /** Only JSON: a form or text a page elsewhere posts without asking (a login CSRF) is never read as credentials. */
    private Optional<Credentials> credentials(RouteRequest request) {
        if (!request.isJson()) {
            return Optional.empty();
        }
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

    private static Reply badJson(RouteRequest request) {
        return Reply.error(request.isJson() ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                "expected a JSON body (Content-Type: application/json) {\"username\": ..., \"password\": ...}");
    }
}
