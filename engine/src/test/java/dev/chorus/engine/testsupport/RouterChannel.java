package dev.chorus.engine.testsupport;

import dev.chorus.engine.http.CorsOptions;
import dev.chorus.engine.http.Refusals;
import dev.chorus.engine.http.Router;
import dev.chorus.engine.http.Routes;
import dev.chorus.engine.http.TrustedProxies;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/** Routes behind a {@link Router} on an embedded channel: a request in, the response out, no network. */
public final class RouterChannel implements AutoCloseable {
    private final EmbeddedChannel channel;

    public RouterChannel(Routes... routes) {
        this(CorsOptions.DISABLED, routes);
    }

    public RouterChannel(CorsOptions cors, Routes... routes) {
        this.channel = new EmbeddedChannel(new Router(List.of(routes), cors, TrustedProxies.NONE,
                Refusals.uncounted()));
    }

    /**
     * @param adjust sets headers of the request before it is sent
     * @return the response, or null when none is written yet
     */
    public FullHttpResponse send(HttpMethod method, String uri, String body, Consumer<FullHttpRequest> adjust) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        adjust.accept(request);
        channel.writeInbound(request);
        channel.runPendingTasks();
        return channel.readOutbound();
    }

    public FullHttpResponse send(HttpMethod method, String uri) {
        return send(method, uri, "", request -> { });
    }

    /** A response written since: one that came later than its request. */
    public FullHttpResponse next() {
        channel.runPendingTasks();
        return channel.readOutbound();
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    /** The body, the response released. */
    public static String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
