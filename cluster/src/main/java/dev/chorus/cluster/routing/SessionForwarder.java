package dev.chorus.cluster.routing;

import dev.chorus.cluster.registry.ClusterNode;
import dev.chorus.engine.eio.ForeignSessions;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
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
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the requests a balancer without affinity sends to a node that does not hold their session: a polling
 * request is forwarded to the holder and its answer relayed back; a WebSocket upgrade becomes a tunnel to the holder.
 * A session whose holder is not alive is unknown at once, so its client reconnects (and recovers) without waiting.
 *
 * <p>Connections to the holders are made on the client connection's own event loop, so a forwarded request never
 * changes threads.
 */
public final class SessionForwarder implements ForeignSessions {
    private static final Logger log = LoggerFactory.getLogger(SessionForwarder.class);
    /** Marks a forwarded request: its receiver answers it itself, so a request is forwarded at most once. */
    static final String FORWARDED = "x-chorus-forwarded";
    private static final int CONNECT_TIMEOUT_MS = 3000;
    private static final byte[] UNKNOWN_SID = "{\"code\":1,\"message\":\"Session ID unknown\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final String selfId;
    private final SessionIds ids;
    private final Function<String, CompletableFuture<ClusterNode>> liveNodes;
    private final int maxResponseBytes;
    private final Class<? extends Channel> channelType;

    /**
     * @param liveNodes        a node by id when it is alive, else null
     * @param maxResponseBytes the largest polling response relayed
     * @param channelType      the client connections' kind of channel (NIO, epoll), which a connection to another
     *                         node made on the same event loop must be too
     */
    public SessionForwarder(String selfId, SessionIds ids,
            Function<String, CompletableFuture<ClusterNode>> liveNodes, int maxResponseBytes,
            Class<? extends Channel> channelType) {
        this.selfId = selfId;
        this.ids = ids;
        this.liveNodes = liveNodes;
        this.maxResponseBytes = maxResponseBytes;
        this.channelType = channelType;
    }

    @Override
    public boolean take(ChannelHandlerContext ctx, FullHttpRequest request, String sid) {
        String holderId = ids.holderOf(sid);
        if (holderId == null || holderId.equals(selfId) || request.headers().contains(FORWARDED)) {
            return false;
        }
        FullHttpRequest forwarded = copy(request, ctx.channel());
        boolean upgrade = HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(
                request.headers().get(HttpHeaderNames.UPGRADE));
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (upgrade) {
            // Nothing more is read from the client until the tunnel stands.
            ctx.channel().config().setAutoRead(false);
        }
        liveNodes.apply(holderId).whenComplete((holder, error) -> ctx.executor().execute(() -> {
            InetSocketAddress address = holder == null ? null : parse(holder.address());
            if (address == null) {
                forwarded.release();
                ctx.channel().config().setAutoRead(true);
                unknownSession(ctx.channel(), keepAlive && !upgrade);
            } else if (upgrade) {
                tunnel(ctx, forwarded, address);
            } else {
                forward(ctx.channel(), forwarded, address, keepAlive);
            }
        }));
        return true;
    }

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

    private void forward(Channel client, FullHttpRequest request, InetSocketAddress holder, boolean keepAlive) {
        HttpUtil.setKeepAlive(request, false);
        connect(client, holder, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                p.addLast(new HttpClientCodec());
                p.addLast(new HttpObjectAggregator(maxResponseBytes));
                p.addLast(new ResponseToClient(client, keepAlive));
            }
        }).addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
                request.release();
                unknownSession(client, keepAlive);
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
        private boolean answered;

        ResponseToClient(Channel client, boolean keepAlive) {
            this.client = client;
            this.keepAlive = keepAlive;
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
            if (!answered) {
                unknownSession(client, keepAlive);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("forwarded request failed: {}", cause.toString());
            ctx.close();
        }
    }

    /** The WebSocket goes to the holder as it is: the upgrade request, then bytes both ways. */
    private void tunnel(ChannelHandlerContext ctx, FullHttpRequest request, InetSocketAddress holder) {
        Channel client = ctx.channel();
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
                unknownSession(client, false);
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

    private ChannelFuture connect(Channel client, InetSocketAddress holder, ChannelInitializer<Channel> init) {
        return new Bootstrap()
                .group(client.eventLoop())
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(init)
                .connect(holder);
    }

    /** What the holder would say, had it been reached: its client reconnects and recovers elsewhere. */
    private static void unknownSession(Channel client, boolean keepAlive) {
        if (!client.isActive()) {
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                Unpooled.wrappedBuffer(UNKNOWN_SID));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, UNKNOWN_SID.length);
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = client.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            return InetSocketAddress.createUnresolved(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
