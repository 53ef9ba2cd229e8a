package dev.chorus.engine.eio;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** WebSocket: each Engine.IO packet in a frame of its own; binary messages as binary frames without a type digit. */
final class WebSocketTransport extends Transport {
    /** How long a client has to answer our close frame before its connection is cut. */
    private static final long CLOSE_HANDSHAKE_MILLIS = 2000;

    private final Channel channel;
    /**
     * Where frames that are already WebSocket bytes enter the pipeline: just before the head, past the encoder and
     * every handler after it, which would only pass them on. Found on the first write, when the upgrade is done;
     * the channel itself when the pipeline has no WebSocket encoder.
     */
    private ChannelHandlerContext framed;
    private volatile boolean closeSent;

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

    /** What the channel holds and has not handed to the socket yet: a client that does not read makes it grow. */
    @Override
    long pendingBytes() {
        ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        return pending == null ? 0 : pending.totalPendingWriteBytes();
    }

    @Override
    void abort() {
        channel.close();
    }

    @Override
    void write(List<Frame> frames) {
        if (framed == null) {
            framed = channel.pipeline().context(WebSocketFrameEncoder.class);
        }
        ChannelOutboundInvoker bytesGo = framed != null ? framed : channel;
        boolean encoded = false;
        // By index: an iterator per write would be one more object per delivery.
        for (int i = 0; i < frames.size(); i++) {
            Frame frame = frames.get(i);
            if (frame.isWebSocketFramed()) {
                // The same bytes every recipient of a broadcast writes, in order with the frames the encoder makes:
                // both reach the head of the pipeline at once.
                bytesGo.write(frame.webSocketBytes(), channel.voidPromise());
            } else {
                encoded = true;
                channel.write(frame.isBinary() ? new BinaryWebSocketFrame(frame.content())
                        : new TextWebSocketFrame(frame.content()), channel.voidPromise());
            }
        }
        (encoded ? channel : bytesGo).flush();
    }

    /**
     * Sends the close frame and waits for the client's (RFC 6455 closing handshake) before the connection goes. Cut
     * at once, the connection would answer what the client still sends (a pong, say) with a reset, which can make
     * the client's system drop what it had received and not yet read — the last acknowledgements among it.
     */
    @Override
    void close(boolean closePacket) {
        if (channel.isActive() && !closeSent) {
            closeSent = true;
            channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE)).addListener(f -> {
                if (f.isSuccess()) {
                    channel.eventLoop().schedule(() -> channel.close(), CLOSE_HANDSHAKE_MILLIS,
                            TimeUnit.MILLISECONDS);
                } else {
                    channel.close();
                }
            });
        }
    }

    /** Whether this side started the closing handshake: the client's close frame then ends it. */
    boolean closeSent() {
        return closeSent;
    }
}
