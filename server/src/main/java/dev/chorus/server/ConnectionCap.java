package dev.chorus.server;

import dev.chorus.engine.http.Refusals;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The most connections a node holds at once, so that a flood finds a full node rather than one out of memory: one
 * past it is answered 503 at once (a proxy then tries another node; a client retries) and closed, before it costs
 * more than its socket. Counted at the head of every pipeline.
 */
final class ConnectionCap {
    /** About what an idle connection with its session costs, with room to spare (docs/performance.md). */
    static final long HEAP_PER_CONNECTION = 32 * 1024;

    private static final String FULL_BODY = "{\"error\":\"the server is full, try later\"}";
    private static final byte[] FULL = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            + "Retry-After: 5\r\nConnection: close\r\nContent-Length: " + FULL_BODY.length() + "\r\n\r\n"
            + FULL_BODY).getBytes(StandardCharsets.US_ASCII);

    private final int max;
    private final Refusals refusals;
    private final AtomicInteger open = new AtomicInteger();

    /** @param max connections at once; 0 for one per {@link #HEAP_PER_CONNECTION} of the JVM's maximum heap */
    ConnectionCap(int max, Refusals refusals) {
        this.max = max > 0 ? max : (int) Math.min(Integer.MAX_VALUE,
                Runtime.getRuntime().maxMemory() / HEAP_PER_CONNECTION);
        this.refusals = refusals;
    }

    int max() {
        return max;
    }

    int open() {
        return open.get();
    }

    /** No cap: for servers that are not nodes (the conformance server). */
    static ConnectionCap none() {
        return new ConnectionCap(Integer.MAX_VALUE, Refusals.uncounted());
    }

    /** The handler of one new HTTP connection, first in its pipeline. */
    ChannelInboundHandlerAdapter newConnection() {
        return new Counted(FULL);
    }

    /** The handler of one new connection, first in its pipeline, which says {@code refusal} when it is one too many. */
    ChannelInboundHandlerAdapter newConnection(byte[] refusal) {
        return new Counted(refusal);
    }

    private final class Counted extends ChannelInboundHandlerAdapter {
        private final byte[] refusal;
        private boolean refused;

        Counted(byte[] refusal) {
            this.refusal = refusal;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (open.incrementAndGet() > max) {
                refused = true;
                refusals.refuse("connection-cap", ctx.channel().remoteAddress() instanceof InetSocketAddress inet
                        ? inet.getHostString() : String.valueOf(ctx.channel().remoteAddress()),
                        "a connection, " + max + " open");
                ctx.writeAndFlush(Unpooled.wrappedBuffer(refusal)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (refused) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.decrementAndGet();
            if (!refused) {
                ctx.fireChannelInactive();
            }
        }
    }
}
