package dev.chorus.server;

import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.stream.StreamServices;
import dev.chorus.xmpp.tcp.TcpStreamHandler;
import dev.chorus.xmpp.xml.XmppStreamDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A port XMPP clients connect to over TCP (RFC 6120), with STARTTLS, or with TLS from the first byte. */
final class XmppListener implements AutoCloseable {
    /** What a connection past the node's cap hears: a stream that ends as it opens. */
    private static final byte[] FULL = ("<?xml version='1.0'?><stream:stream xmlns='" + Namespaces.CLIENT
            + "' xmlns:stream='" + Namespaces.STREAMS + "' version='1.0'><stream:error><resource-constraint xmlns='"
            + Namespaces.STREAM_ERRORS + "'/><text xmlns='" + Namespaces.STREAM_ERRORS
            + "'>the server is full, try later</text></stream:error></stream:stream>")
            .getBytes(StandardCharsets.UTF_8);

    private final Channel channel;

    private XmppListener(Channel channel) {
        this.channel = channel;
    }

    /**
     * @param directTls the TLS every connection starts with, or null for STARTTLS with {@code startTls}
     * @param cap       the node's connection cap, which XMPP connections count against with HTTP's
     */
    static XmppListener start(String host, int port, EventLoopGroup boss, EventLoopGroup workers,
            StreamServices services, SslContext directTls, SslContext startTls, XmppStreamDecoder.Limits limits,
            ConnectionCap cap) throws InterruptedException {
        Channel channel = new ServerBootstrap()
                .group(boss, workers)
                .channel(EventLoops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("connection-cap", cap.newConnection(FULL));
                        TcpStreamHandler.initialize(ch.pipeline(), services, directTls, startTls, limits);
                    }
                })
                .bind(host, port).sync().channel();
        return new XmppListener(channel);
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
