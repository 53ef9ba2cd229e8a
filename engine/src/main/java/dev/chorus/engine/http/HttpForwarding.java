package dev.chorus.engine.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a request for a session another server holds: an HTTP request is forwarded to the holder and its answer
 * relayed back; a WebSocket upgrade becomes a tunnel to the holder, the client's pipeline handed over to it. When
 * the holder cannot be reached, the caller's own answer goes to the client (a session unknown), so that it
 * reconnects without waiting.
 *
 * <p>Connections to the holders are made on the client connection's own event loop, with its kind of channel, so a
 * forwarded request never changes threads.
 */
public final class HttpForwarding {
    private static final Logger log = LoggerFactory.getLogger(HttpForwarding.class);
    /** Marks a forwarded request: its receiver answers it itself, so a request is forwarded at most once. */
    private static final String FORWARDED = "x-chorus-forwarded";
    private static final int CONNECT_TIMEOUT_MS = 3000;
    /** A polling response holds at most a server's largest payload, plus framing. */
    private static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    private HttpForwarding() {
    }

    /**
     * Passes a request for a session this server does not hold to the server that does, once found: an upgrade is
     * tunnelled there, any other request forwarded and the answer relayed. A request forwarded already is this
     * server's to answer: a request is passed on at most once.
     *
     * @param request  the request, still the caller's to release: what is passed on holds its own reference
     * @param holder   finds the holder: null at once when the session is no other server's, null in the future
     *                 when no live server holds it
     * @param upgrade  whether the request is a WebSocket upgrade
     * @param unknown  answers the client when no live holder is found, or it cannot be reached
     * @return false when the request was not passed on: the caller answers it
     */
    public static boolean toHolder(Channel client, FullHttpRequest request,
            Supplier<CompletableFuture<InetSocketAddress>> holder, boolean keepAlive, boolean upgrade,
            Runnable unknown) {
        CompletableFuture<InetSocketAddress> found = request.headers().contains(FORWARDED) ? null : holder.get();
        if (found == null) {
            return false;
        }
        FullHttpRequest forwarded = copy(request, client);
        if (upgrade) {
            // Nothing more is read from the client until the tunnel stands.
            client.config().setAutoRead(false);
        }
        found.whenComplete((address, error) -> client.eventLoop().execute(() -> {
            if (address == null) {
                forwarded.release();
                client.config().setAutoRead(true);
                unknown.run();
            } else if (upgrade) {
                tunnel(client, forwarded, address, unknown);
            } else {
                forward(client, forwarded, address, keepAlive, unknown);
            }
        }));
        return true;
    }

    /** The request as the holder gets it: marked, with the client's address, holding its own reference. */
    private static FullHttpRequest copy(FullHttpRequest request, Channel client) {
        FullHttpRequest copy = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(),
                request.content().retainedDuplicate());
        copy.headers().set(request.headers());
        copy.headers().set(FORWARDED, "1");
        if (client.remoteAddress() instanceof InetSocketAddress remote && !copy.headers().contains("x-forwarded-for")) {
            copy.headers().set("x-forwarded-for", remote.getAddress().getHostAddress());
        }
        return copy;
    }

    /** @param unknown answers the client when the holder cannot be reached or says nothing */
    private static void forward(Channel client, FullHttpRequest request, InetSocketAddress holder, boolean keepAlive,
            Runnable unknown) {
        HttpUtil.setKeepAlive(request, false);
        connect(client, holder, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                p.addLast(new HttpClientCodec());
                p.addLast(new HttpObjectAggregator(MAX_RESPONSE_BYTES));
                p.addLast(new ResponseToClient(client, keepAlive, unknown));
            }
        }).addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
                request.release();
                unknown.run();
                return;
            }
            Channel upstream = connected.channel();
            // A client that hangs up (a long-poll it gave up on) takes the forwarded request with it.
            ChannelFutureListener closeUpstream = closed -> upstream.close();
            client.closeFuture().addListener(closeUpstream);
            upstream.closeFuture().addListener(closed -> client.closeFuture().removeListener(closeUpstream));
            upstream.writeAndFlush(request);
        });
    }

    /** The holder's answer, as it came, then the connection to the holder is done. */
    private static final class ResponseToClient extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Channel client;
        private final boolean keepAlive;
        private final Runnable unknown;
        private boolean answered;

        ResponseToClient(Channel client, boolean keepAlive, Runnable unknown) {
            this.client = client;
            this.keepAlive = keepAlive;
            this.unknown = unknown;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            answered = true;
            FullHttpResponse relayed = response.retainedDuplicate();
            HttpUtil.setKeepAlive(relayed, keepAlive);
            ChannelFuture written = client.writeAndFlush(relayed);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!answered && client.isActive()) {
                unknown.run();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("forwarded request failed: {}", cause.toString());
            ctx.close();
        }
    }

    /**
     * The WebSocket goes to the holder as it is: the upgrade request, then bytes both ways. The client's connection
     * stops reading until the tunnel stands, then drops its HTTP handlers for the relay.
     */
    private static void tunnel(Channel client, FullHttpRequest request, InetSocketAddress holder, Runnable unknown) {
        connect(client, holder, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("encoder", new HttpRequestEncoder());
                ch.pipeline().addLast("relay", new Relay(client));
            }
        }).addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
                request.release();
                client.config().setAutoRead(true);
                unknown.run();
                return;
            }
            Channel upstream = connected.channel();
            upstream.writeAndFlush(request).addListener(written -> {
                upstream.pipeline().remove("encoder");
                ChannelPipeline pipeline = client.pipeline();
                List<ChannelHandler> http = new ArrayList<>();
                for (Map.Entry<String, ChannelHandler> entry : pipeline) {
                    http.add(entry.getValue());
                }
                http.forEach(pipeline::remove);
                pipeline.addLast(new Relay(upstream));
                client.config().setAutoRead(true);
            });
        });
    }

    private static ChannelFuture connect(Channel client, InetSocketAddress holder, ChannelInitializer<Channel> init) {
        return new Bootstrap()
                .group(client.eventLoop())
                .channel(client.getClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(init)
                .connect(holder);
    }
}
