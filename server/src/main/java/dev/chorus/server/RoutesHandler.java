package dev.chorus.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every pipeline: the node's own routes, 404 for the rest. {@code /health} and {@code /health/ready}
 * say whether the node takes work now (503 when not: starting, stopping, Redis unreachable); {@code /health/live}
 * only that the process answers; {@code /cluster} lists the live nodes.
 */
@ChannelHandler.Sharable
public final class RoutesHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(RoutesHandler.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BooleanSupplier ready;
    private final Supplier<CompletableFuture<List<Map<String, Object>>>> nodes;

    public RoutesHandler(BooleanSupplier ready) {
        this(ready, () -> CompletableFuture.completedFuture(List.of()));
    }

    public RoutesHandler(BooleanSupplier ready, Supplier<CompletableFuture<List<Map<String, Object>>>> nodes) {
        this.ready = ready;
        this.nodes = nodes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if ("/health".equals(path) || "/health/ready".equals(path)) {
            boolean up = ready.getAsBoolean();
            respond(ctx, request, up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    up ? "{\"status\":\"ok\"}" : "{\"status\":\"unavailable\"}");
            return;
        }
        if ("/health/live".equals(path)) {
            respond(ctx, request, HttpResponseStatus.OK, "{\"status\":\"ok\"}");
            return;
        }
        if ("/cluster".equals(path)) {
            request.retain();
            nodes.get().whenComplete((list, error) -> ctx.executor().execute(() -> {
                try {
                    if (error != null) {
                        log.warn("the cluster's nodes could not be read: {}", error.toString());
                        respond(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE,
                                "{\"error\":\"the cluster is not reachable\"}");
                    } else {
                        respond(ctx, request, HttpResponseStatus.OK, JSON.writeValueAsString(Map.of("nodes", list)));
                    }
                } catch (JsonProcessingException e) {
                    respond(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "{\"error\":\"internal\"}");
                } finally {
                    request.release();
                }
            }));
            return;
        }
        respond(ctx, request, HttpResponseStatus.NOT_FOUND, "{\"error\":\"not found\"}");
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
            String json) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (HttpUtil.isKeepAlive(request)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
