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
import io.netty.util.concurrent.EventExecutor;

/**
 * The kind of event loops a node runs on: Linux's epoll when Netty's native library loads (fewer system calls and
 * less garbage per write than Java's NIO), NIO elsewhere. Channels must be of the loops' kind; Lettuce picks epoll by
 * the same test, so it can share the loops.
 */
public final class EventLoops {
    static final boolean EPOLL = Epoll.isAvailable();

    private EventLoops() {
    }

    /** @param threads 0 for {@link #defaultThreads} of this machine's cores */
    public static EventLoopGroup create(int threads) {
        return new MultiThreadIoEventLoopGroup(threads > 0 ? threads
                : defaultThreads(Runtime.getRuntime().availableProcessors()), handlers());
    }

    /**
     * One loop per core but one, and at least one: a node's work is not all on its loops (the JIT's compilers, the
     * collector, Redis on a small machine), and loops that take every core make each other wait and hand work to
     * each other more. On two cores shared by two nodes, one loop per node connected clients faster than two in
     * seven comparisons of eight (docs/performance.md).
     */
    static int defaultThreads(int cores) {
        return Math.max(1, cores - 1);
    }

    static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** How many loops of which kind: {@code 1 epoll}. */
    static String describe(EventLoopGroup loops) {
        int count = 0;
        for (EventExecutor ignored : loops) {
            count++;
        }
        return count + (EPOLL ? " epoll" : " nio");
    }

    private static IoHandlerFactory handlers() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }
}
