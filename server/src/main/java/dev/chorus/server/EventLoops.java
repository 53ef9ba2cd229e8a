package dev.chorus.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The kind of event loops a node runs on: Linux's epoll when Netty's native library loads (fewer system calls and
 * less garbage per write than Java's NIO), NIO elsewhere. Channels must be of the loops' kind; Lettuce picks epoll by
 * the same test, so it can share the loops.
 */
public final class EventLoops {
    static final boolean EPOLL = Epoll.isAvailable();

    private EventLoops() {
    }

    /** @param threads 0 for one per core */
    public static EventLoopGroup create(int threads) {
        return new MultiThreadIoEventLoopGroup(threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
                handlers());
    }

    static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static String describe() {
        return EPOLL ? "epoll" : "nio";
    }

    private static IoHandlerFactory handlers() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }
}
