package dev.chorus.engine.eio;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads one WebSocket connection of a session and hands its packets to the session's loop. */
final class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

    private final WebSocketTransport transport;
    private final EngineSession session;
    private boolean probing;

    /** @param probing whether this connection is an upgrade probe of a polling session */
    WebSocketFrameHandler(WebSocketTransport transport, boolean probing) {
        this.transport = transport;
        this.session = transport.session;
        this.probing = probing;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            String data = text.text();
            if (probing) {
                answerProbe(ctx, data);
            }
            InboundPacket packet;
            try {
                packet = PacketCodec.decodeText(data);
            } catch (ProtocolException e) {
                log.info("session {} from {}: closed on a bad websocket packet: {}", session.id(),
                        session.request().remoteHost(), e.getMessage());
                session.execute(() -> session.onBadPayload(transport, CloseReason.PARSE_ERROR));
                return;
            }
            session.execute(() -> session.onWebSocketPacket(transport, packet));
        } else if (frame instanceof BinaryWebSocketFrame binary) {
            InboundPacket packet = InboundPacket.binary(ByteBufUtil.getBytes(binary.content()));
            session.execute(() -> session.onWebSocketPacket(transport, packet));
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            if (transport.closeSent()) {
                // The client's answer to our close: the closing handshake is done.
                ctx.close();
            } else {
                // RFC 6455: answer a close by echoing its status.
                ctx.writeAndFlush(frame.retain()).addListener(f -> ctx.close());
            }
        }
    }

    /**
     * The probe is answered right here rather than on the session's loop: the client is waiting on it, and this
     * keeps it ahead of anything the client does next on another connection.
     */
    private void answerProbe(ChannelHandlerContext ctx, String data) {
        if ("2probe".equals(data)) {
            ctx.writeAndFlush(new TextWebSocketFrame(Frame.probeAnswer().content()), ctx.voidPromise());
        } else {
            probing = false;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.execute(() -> session.onTransportClosed(transport, CloseReason.TRANSPORT_CLOSE));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("session {}: websocket error: {}", session.id(), cause.toString());
        session.execute(() -> session.onTransportClosed(transport, CloseReason.TRANSPORT_ERROR));
        if (cause instanceof TooLongFrameException) {
            // The aggregator's limit on a fragmented message says nothing to the client itself; the decoder's
            // limit on one frame answers 1009, and so does this.
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
