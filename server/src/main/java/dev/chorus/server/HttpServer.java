package dev.chorus.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP listener: one Netty pipeline per connection, in which each endpoint's handler takes the requests
 * for its paths and passes the rest on, down to the routes handler at the end.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    // The handlers that serve HTTP only, by name: they leave a pipeline that became a WebSocket (HttpEndpointsLeave).
    private static final String ROUTE_COOKIE = "route-cookie";
    private static final String ENDPOINT = "endpoint-";
    private static final String ROUTES = "routes";
    private static final String KEEP_ALIVE = "keep-alive";
    private static final String REQUEST_BYTES = "request-bytes";
    private static final String REQUEST_DEADLINE = "request-deadline";

    /** What new connections are served by; null until {@link #serve}. */
    private record Service(int maxRequestSize, List<ChannelHandler> endpoints, ChannelHandler routes,
            HttpEndpointsLeave endpointsLeave) {
    }

    /** The largest request a node that does not serve yet reads: its answers say nothing of what was asked. */
    private static final int MAX_REQUEST_NOT_SERVING = 64 * 1024;

    private final EventLoopGroup bossGroup;
    private volatile Channel channel;
    private volatile Service service;
    private final KeepAliveRetirement keepAlive = new KeepAliveRetirement();

    private HttpServer(EventLoopGroup bossGroup) {
        this.bossGroup = bossGroup;
    }

    /** Binds and serves at once, with the default deadlines; see {@link #bind} and {@link #serve}. */
    public static HttpServer start(String host, int port, EventLoopGroup workers, int maxRequestSize, String route,
            List<ChannelHandler> endpoints, ChannelHandler routes) throws InterruptedException {
        HttpServer http = bind(host, port, workers, route, RequestDeadlines.DEFAULTS, ConnectionCap.none());
        http.serve(maxRequestSize, endpoints, routes);
        return http;
    }

    /**
     * Binds before the node can serve (while it waits for Redis, say): until {@link #serve}, a connection gets
     * {@link NotServingYet}'s answers, 200 on {@code /health/live} and 503 elsewhere, and is then closed.
     *
     * @param workers the event loops of the connections, the caller's to shut down after {@link #close}
     * @param route     the route id named in a cookie for sticky proxies, or null for none
     * @param deadlines how long a connection may take to send a request, or wait for its next one
     * @param cap       how many connections may be open at once
     */
    public static HttpServer bind(String host, int port, EventLoopGroup workers, String route,
            RequestDeadlines deadlines, ConnectionCap cap) throws InterruptedException {
        EventLoopGroup boss = EventLoops.create(1);
        HttpServer http = new HttpServer(boss);
        try {
            http.channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(EventLoops.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            Service current = http.service;
                            ChannelPipeline p = ch.pipeline();
                            RequestDeadlines.Deadline deadline = deadlines.newConnection();
                            p.addLast("connection-cap", cap.newConnection());
                            p.addLast(REQUEST_BYTES, deadline.bytes());
                            p.addLast("http", new HttpServerCodec());
                            p.addLast(REQUEST_DEADLINE, deadline);
                            p.addLast(KEEP_ALIVE, http.keepAlive.newConnection());
                            if (current != null) {
                                p.addLast("endpoints-leave", current.endpointsLeave());
                            }
                            if (route != null) {
                                p.addLast(ROUTE_COOKIE, new RouteCookie(route));
                            }
                            p.addLast("aggregator", new HttpObjectAggregator(
                                    current == null ? MAX_REQUEST_NOT_SERVING : current.maxRequestSize()));
                            if (current == null) {
                                p.addLast(ROUTES, NotServingYet.INSTANCE);
                                return;
                            }
                            for (int i = 0; i < current.endpoints().size(); i++) {
                                p.addLast(ENDPOINT + i, current.endpoints().get(i));
                            }
                            p.addLast(ROUTES, current.routes());
                        }
                    })
                    .bind(host, port).sync().channel();
            log.info("listening on {}", http.channel.localAddress());
            return http;
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * From now on, new connections are served by the endpoints: sharable handlers, each serving its own paths, then
     * {@code routes}, the last handler, for everything no endpoint took.
     *
     * @param maxRequestSize the largest request body accepted; larger ones get 413
     */
    public void serve(int maxRequestSize, List<ChannelHandler> endpoints, ChannelHandler routes) {
        List<String> httpOnly = new ArrayList<>(List.of(REQUEST_BYTES, REQUEST_DEADLINE, KEEP_ALIVE, ROUTE_COOKIE,
                ROUTES));
        for (int i = 0; i < endpoints.size(); i++) {
            httpOnly.add(ENDPOINT + i);
        }
        service = new Service(maxRequestSize, List.copyOf(endpoints), routes, new HttpEndpointsLeave(httpOnly));
    }

    /** A stopping node: from now on every response closes its connection, announced ({@link KeepAliveRetirement}). */
    public void retireConnections() {
        keepAlive.retire();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * Stops listening, and closes the HTTP connections that have no request in flight: those with one close once it
     * is answered. WebSocket connections are not HTTP ones any more, and are left to their sessions.
     */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        keepAlive.closeIdle();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
