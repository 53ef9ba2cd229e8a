package dev.chorus.engine.eio;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.chorus.engine.http.CorsOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Writes the HTTP responses of the polling transport and the error replies, with CORS headers. */
final class HttpReplies {
    static final String TEXT_PLAIN = "text/plain; charset=UTF-8";

    private HttpReplies() {
    }

    /** The request facts a reply needs, kept so that a held long-poll can be answered later. */
    record Exchange(Channel channel, boolean keepAlive, String origin) {
    }

    static void send(Exchange exchange, CorsOptions cors, HttpResponseStatus status, String contentType, ByteBuf body,
            HttpHeaders extra) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        HttpHeaders headers = response.headers();
        if (contentType != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (extra != null) {
            headers.add(extra);
        }
        cors.applyTo(headers, exchange.origin());
        if (exchange.keepAlive()) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            exchange.channel().writeAndFlush(response, exchange.channel().voidPromise());
        } else {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            exchange.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    static void sendError(Exchange exchange, CorsOptions cors, EngineError error, String message) {
        String json = "{\"code\":" + error.code() + ",\"message\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}";
        send(exchange, cors, error.status(), "application/json",
                Unpooled.copiedBuffer(json, StandardCharsets.UTF_8), null);
    }

    static void sendError(Exchange exchange, CorsOptions cors, EngineError error) {
        sendError(exchange, cors, error, error.message());
    }

    static void sendStatus(Exchange exchange, CorsOptions cors, HttpResponseStatus status) {
        send(exchange, cors, status, null, Unpooled.EMPTY_BUFFER, null);
    }
}
