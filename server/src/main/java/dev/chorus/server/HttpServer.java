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

    private final EventLoopGroup bossGroup;
    private final Channel channel;

    private HttpServer(EventLoopGroup bossGroup, Channel channel) {
        this.bossGroup = bossGroup;
        this.channel = channel;
    }

    /**
     * Binds and starts serving.
     *
     * @param workers        the event loops of the connections, the caller's to shut down after {@link #close}
     * @param maxRequestSize the largest request body accepted; larger ones get 413
     * @param route          the route id named in a cookie for sticky proxies, or null for none
     * @param endpoints      sharable handlers, each serving its own paths
     * @param routes         the last handler: everything no endpoint took
     */
    public static HttpServer start(String host, int port, EventLoopGroup workers, int maxRequestSize, String route,
            List<ChannelHandler> endpoints, ChannelHandler routes) throws InterruptedException {
        List<String> httpOnly = new ArrayList<>(List.of(ROUTE_COOKIE, ROUTES));
        for (int i = 0; i < endpoints.size(); i++) {
            httpOnly.add(ENDPOINT + i);
        }
        HttpEndpointsLeave endpointsLeave = new HttpEndpointsLeave(httpOnly);
        EventLoopGroup boss = EventLoops.create(1);
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(EventLoops.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            p.addLast("http", new HttpServerCodec());
                            p.addLast("endpoints-leave", endpointsLeave);
                            if (route != null) {
                                p.addLast(ROUTE_COOKIE, new RouteCookie(route));
                            }
                            p.addLast("aggregator", new HttpObjectAggregator(maxRequestSize));
                            for (int i = 0; i < endpoints.size(); i++) {
                                p.addLast(ENDPOINT + i, endpoints.get(i));
                            }
                            p.addLast(ROUTES, routes);
                        }
                    })
                    .bind(host, port).sync().channel();
            log.info("listening on {}", channel.localAddress());
            return new HttpServer(boss, channel);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
