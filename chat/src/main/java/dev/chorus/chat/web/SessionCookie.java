package dev.chorus.chat.web;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.time.Duration;

/**
 * The login session cookie: HttpOnly, SameSite=Lax, Path=/, and Secure when the request came over TLS as told by
 * a trusted proxy ({@code X-Forwarded-Proto: https}). Named {@code jsessionid} by default, which platform routers
 * key stickiness on.
 */
public final class SessionCookie {
    private final String name;
    private final boolean trustProxy;

    public SessionCookie(String name, boolean trustProxy) {
        this.name = name;
        this.trustProxy = trustProxy;
    }

    public String name() {
        return name;
    }

    /** @return the session id the request carries, or null */
    public String read(HttpHeaders headers) {
        String header = headers.get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        for (Cookie cookie : ServerCookieDecoder.LAX.decode(header)) {
            if (cookie.name().equals(name)) {
                return cookie.value();
            }
        }
        return null;
    }

    public String issue(String sessionId, Duration maxAge, HttpHeaders request) {
        DefaultCookie cookie = base(sessionId, request);
        cookie.setMaxAge(maxAge.toSeconds());
        return ServerCookieEncoder.STRICT.encode(cookie);
    }

    public String clear(HttpHeaders request) {
        DefaultCookie cookie = base("", request);
        cookie.setMaxAge(0);
        return ServerCookieEncoder.STRICT.encode(cookie);
    }

    private DefaultCookie base(String value, HttpHeaders request) {
        DefaultCookie cookie = new DefaultCookie(name, value);
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setSameSite(CookieHeaderNames.SameSite.Lax);
        cookie.setSecure(trustProxy && "https".equalsIgnoreCase(request.get("X-Forwarded-Proto")));
        return cookie;
    }
}
