package dev.chorus.engine.eio;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.List;

/** WebSocket: each Engine.IO packet in a frame of its own; binary messages as binary frames without a type digit. */
final class WebSocketTransport extends Transport {
    private final Channel channel;

    WebSocketTransport(EngineSession session, Channel channel) {
        super(session);
        this.channel = channel;
    }

    @Override
    TransportName name() {
        return TransportName.WEBSOCKET;
    }

    Channel channel() {
        return channel;
    }

    @Override
    boolean writable() {
        return channel.isActive();
    }

    /** Volatile packets are dropped rather than queued behind a slow reader. */
    boolean congested() {
        return !channel.isWritable();
    }

    @Override
    void write(List<Frame> frames) {
        for (Frame frame : frames) {
            channel.write(frame.isBinary()
                    ? new BinaryWebSocketFrame(frame.content())
                    : new TextWebSocketFrame(frame.content()), channel.voidPromise());
        }
        channel.flush();
    }

    @Override
    void close(boolean closePacket) {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                    .addListener(f -> channel.close());
        }
    }
}
