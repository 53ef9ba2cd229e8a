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

    public SessionCookie(String name) {
        this.name = name;
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

    /** @param secure whether the client came over https: the cookie is then never sent over plain HTTP */
    public String issue(String sessionId, Duration maxAge, boolean secure) {
        DefaultCookie cookie = base(sessionId, secure);
        cookie.setMaxAge(maxAge.toSeconds());
        return ServerCookieEncoder.STRICT.encode(cookie);
    }

    public String clear(boolean secure) {
        DefaultCookie cookie = base("", secure);
        cookie.setMaxAge(0);
        return ServerCookieEncoder.STRICT.encode(cookie);
    }

    private DefaultCookie base(String value, boolean secure) {
        DefaultCookie cookie = new DefaultCookie(name, value);
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setSameSite(CookieHeaderNames.SameSite.Lax);
        cookie.setSecure(secure);
        return cookie;
    }
}
