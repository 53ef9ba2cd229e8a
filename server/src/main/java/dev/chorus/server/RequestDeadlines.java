package dev.chorus.server;

import dev.chorus.engine.http.Refusals;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long an HTTP connection may keep the node waiting for a request, as nginx's {@code client_header_timeout},
 * {@code client_body_timeout} and {@code keepalive_timeout} do: a request begun must have its head within
 * {@code request}, then its body may pause no longer than {@code request} between reads; a connection with no request
 * begun is closed after {@code idle}. A request being answered (a long-poll held open) is not timed here. A slow or
 * silent client cannot hold a connection, and the memory behind it, for free.
 */
final class RequestDeadlines {
    private static final Logger log = LoggerFactory.getLogger(RequestDeadlines.class);

    /** The settings' defaults, for servers that have no settings (the conformance server). */
    static final RequestDeadlines DEFAULTS = new RequestDeadlines(Duration.ofSeconds(20), Duration.ofSeconds(75),
            Refusals.uncounted());

    private final long requestMillis;
    private final long idleMillis;
    /** Where slow requests are counted and logged: a flood of them a line a second. */
    private final Refusals refusals;

    RequestDeadlines(Duration request, Duration idle, Refusals refusals) {
        this.requestMillis = request.toMillis();
        this.idleMillis = idle.toMillis();
        this.refusals = refusals;
    }

    /** The deadline of one new connection: its two handlers go before and after the HTTP codec. */
    Deadline newConnection() {
        return new Deadline();
    }

    private enum Phase { IDLE, HEAD, BODY, ANSWERING }

    /** After the codec: sees requests whole and responses end; before it, {@link #bytes()} sees the first byte. */
    final class Deadline extends ChannelDuplexHandler {
        private final ChannelInboundHandlerAdapter bytes = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf) {
                    bytesArrived();
                }
                ctx.fireChannelRead(msg);
            }
        };
        private ChannelHandlerContext ctx;
        private Phase phase = Phase.IDLE;
        /** Requests read and not answered yet (more than one when a client pipelines). */
        private int inFlight;
        private ScheduledFuture<?> timer;

        /** The handler to put before the codec. */
        ChannelInboundHandlerAdapter bytes() {
            return bytes;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            idle();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            cancel();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                inFlight++;
                phase = Phase.BODY;
                arm(requestMillis);
            }
            if (msg instanceof LastHttpContent) {
                phase = Phase.ANSWERING;
                cancel();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            boolean interim = msg instanceof HttpResponse response
                    && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (!interim && msg instanceof LastHttpContent) {
                inFlight = Math.max(0, inFlight - 1);
                if (inFlight == 0 && phase == Phase.ANSWERING) {
                    idle();
                }
            }
            ctx.write(msg, promise);
        }

        private void bytesArrived() {
            if (phase == Phase.IDLE) {
                phase = Phase.HEAD;
                arm(requestMillis);
            } else if (phase == Phase.BODY) {
                arm(requestMillis);
            }
        }

        private void idle() {
            phase = Phase.IDLE;
            arm(idleMillis);
        }

        private void arm(long millis) {
            cancel();
            timer = ctx.executor().schedule(this::expire, millis, TimeUnit.MILLISECONDS);
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        private void expire() {
            timer = null;
            if (ctx.isRemoved() || phase == Phase.ANSWERING) {
                return;
            }
            if (phase == Phase.IDLE) {
                log.debug("connection from {} closed: idle", ctx.channel().remoteAddress());
            } else {
                slow(ctx.channel().remoteAddress());
            }
            ctx.close();
        }
    }

    private void slow(SocketAddress address) {
        refusals.refuse("request-timeout", address instanceof InetSocketAddress inet ? inet.getHostString()
                : String.valueOf(address), "a connection whose request took over " + requestMillis + " ms");
    }
}
