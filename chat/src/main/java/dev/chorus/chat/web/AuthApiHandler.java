package dev.chorus.chat.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.chat.account.Account;
import dev.chorus.chat.account.AccountException;
import dev.chorus.chat.account.Accounts;
import dev.chorus.chat.limits.LoginThrottle;
import dev.chorus.chat.session.Sessions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP JSON API of accounts and login sessions: {@code POST /register}, {@code POST /login},
 * {@code POST /logout}, {@code GET /me}. Other requests pass on down the pipeline. Store and hashing work runs off
 * the event loop; the reply is written when it completes.
 */
@ChannelHandler.Sharable
public final class AuthApiHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AuthApiHandler.class);

    /** Who may log in: registered users with their password, or anyone by name (guest mode). */
    public enum AuthMode { PASSWORD, GUEST }

    private record Reply(HttpResponseStatus status, Object body, String setCookie) {
    }

    private final Accounts accounts;
    private final Sessions sessions;
    private final SessionCookie cookie;
    private final AuthMode mode;
    private final LoginThrottle throttle;
    private final boolean trustProxy;
    private final Counter loggedIn;
    private final Counter loginFailed;
    private final Counter loginThrottled;
    private final ObjectMapper mapper = new ObjectMapper();

    /** @param trustProxy whether the client's address is the first of {@code X-Forwarded-For} */
    public AuthApiHandler(Accounts accounts, Sessions sessions, SessionCookie cookie, AuthMode mode,
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
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        HttpMethod method = request.method();
        CompletableFuture<Reply> reply;
        if (path.equals("/login") && method == HttpMethod.POST) {
            reply = login(request, clientAddress(ctx, request.headers()));
        } else if (path.equals("/register") && method == HttpMethod.POST) {
            reply = register(request);
        } else if (path.equals("/logout") && method == HttpMethod.POST) {
            reply = logout(request.headers());
        } else if (path.equals("/me") && method == HttpMethod.GET) {
            reply = me(request.headers());
        } else {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String remote = String.valueOf(ctx.channel().remoteAddress());
        request.release();
        reply.whenComplete((done, error) -> {
            if (error != null) {
                log.warn("{} {} from {} failed", method, path, remote, error);
                done = new Reply(HttpResponseStatus.INTERNAL_SERVER_ERROR, Map.of("error", "internal error"), null);
            }
            write(ctx, keepAlive, done);
        });
    }

    private CompletableFuture<Reply> login(FullHttpRequest request, String address) {
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
            return CompletableFuture.completedFuture(new Reply(HttpResponseStatus.TOO_MANY_REQUESTS,
                    Map.of("error", "too many failed logins, try again later", "retryAfterSeconds", seconds),
                    null));
        }
        CompletableFuture<Optional<Account>> checked = mode == AuthMode.GUEST
                ? accounts.guest(given.username())
                : accounts.authenticate(given.username(), given.password());
        HttpHeaders headers = request.headers().copy();
        return checked.thenCompose(account -> {
            if (account.isEmpty()) {
                throttle.failed(given.username(), address);
                loginFailed.increment();
                log.info("login of {} from {} failed", given.username(), address);
                return CompletableFuture.completedFuture(new Reply(HttpResponseStatus.UNAUTHORIZED,
                        Map.of("error", mode == AuthMode.GUEST ? "that name cannot be used"
                                : "wrong username or password"), null));
            }
            loggedIn.increment();
            return startSession(account.get().username(), headers, HttpResponseStatus.OK);
        });
    }

    private String clientAddress(ChannelHandlerContext ctx, HttpHeaders headers) {
        String forwarded = trustProxy ? headers.get("X-Forwarded-For") : null;
        if (forwarded != null && !forwarded.isBlank()) {
            return forwarded.split(",", 2)[0].trim();
        }
        return ctx.channel().remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    private CompletableFuture<Reply> register(FullHttpRequest request) {
        Optional<Credentials> credentials = credentials(request);
        if (credentials.isEmpty()) {
            return CompletableFuture.completedFuture(badJson());
        }
        HttpHeaders headers = request.headers().copy();
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
                        return new Reply(status, Map.of("error", refused.getMessage()), null);
                    }
                    throw new CompletionException(cause);
                });
    }

    /** A new session id at every login, and the one the client came with (if any) ended: no session fixation. */
    private CompletableFuture<Reply> startSession(String username, HttpHeaders request, HttpResponseStatus status) {
        String previous = cookie.read(request);
        CompletableFuture<Void> ended = previous != null ? sessions.close(previous)
                : CompletableFuture.completedFuture(null);
        return ended.thenCompose(done -> sessions.open(username)).thenApply(session -> new Reply(status,
                Map.of("user", username), cookie.issue(session.id(), sessions.absoluteTimeout(), request)));
    }

    private CompletableFuture<Reply> logout(HttpHeaders headers) {
        String id = cookie.read(headers);
        CompletableFuture<Void> ended = id != null ? sessions.close(id) : CompletableFuture.completedFuture(null);
        HttpHeaders copy = headers.copy();
        return ended.thenApply(done -> new Reply(HttpResponseStatus.OK, Map.of("ok", true), cookie.clear(copy)));
    }

    /** Who is logged in, and whether they may open the admin view (never in guest mode, where names are free). */
    private CompletableFuture<Reply> me(HttpHeaders headers) {
        return sessions.resolve(cookie.read(headers)).thenCompose(session -> {
            if (session.isEmpty()) {
                return CompletableFuture.completedFuture(new Reply(HttpResponseStatus.UNAUTHORIZED,
                        Map.of("error", "not logged in"), null));
            }
            String user = session.get().username();
            CompletableFuture<Boolean> admin = mode == AuthMode.PASSWORD
                    ? accounts.find(user).thenApply(account -> account.map(Account::admin).orElse(false))
                    : CompletableFuture.completedFuture(false);
            return admin.thenApply(isAdmin -> new Reply(HttpResponseStatus.OK,
                    Map.of("user", user, "admin", isAdmin), null));
        });
    }

    private record Credentials(String username, String password) {
    }

    private Optional<Credentials> credentials(FullHttpRequest request) {
        try {
            JsonNode body = mapper.readTree(request.content().toString(StandardCharsets.UTF_8));
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
        return new Reply(HttpResponseStatus.BAD_REQUEST,
                Map.of("error", "expected a JSON body {\"username\": ..., \"password\": ...}"), null);
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, Reply reply) {
        JsonResponses.send(ctx, keepAlive, reply.status(), reply.body(), reply.setCookie());
    }
}
