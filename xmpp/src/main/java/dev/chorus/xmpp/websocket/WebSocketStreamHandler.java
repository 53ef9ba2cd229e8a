package dev.chorus.xmpp.websocket;

import dev.chorus.xmpp.http.Caller;
import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.stream.StreamServices;
import dev.chorus.xmpp.stream.StreamTransport;
import dev.chorus.xmpp.stream.StreamXml;
import dev.chorus.xmpp.stream.XmppStream;
import dev.chorus.xmpp.xml.StreamError;
import dev.chorus.xmpp.xml.StreamErrorException;
import dev.chorus.xmpp.xml.StreamEvent;
import dev.chorus.xmpp.xml.XmlElement;
import dev.chorus.xmpp.xml.XmppStreamDecoder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket framing of XMPP (RFC 7395): each text frame one whole element, the stream opened and closed by
 * {@code <open/>} and {@code <close/>} in the framing namespace, restarted by a new {@code <open/>}. The frames are
 * read as one XML stream under an implied root, so the same decoder and its limits serve both framings.
 */
public final class WebSocketStreamHandler extends SimpleChannelInboundHandler<WebSocketFrame>
        implements StreamTransport {
    private static final Logger log = LoggerFactory.getLogger(WebSocketStreamHandler.class);
    /** The root the frames are read under: stanzas that do not declare {@code jabber:client} are in it anyway. */
    private static final byte[] IMPLIED_ROOT = ("<stream:stream xmlns='" + Namespaces.CLIENT + "' xmlns:stream='"
            + Namespaces.STREAMS + "'>").getBytes(StandardCharsets.UTF_8);

    private final StreamServices services;
    private final Caller caller;
    private final XmppStreamDecoder decoder;
    private ChannelHandlerContext ctx;
    private XmppStream stream;
    private boolean opened;
    private boolean closing;

    public WebSocketStreamHandler(StreamServices services, Caller caller, XmppStreamDecoder.Limits limits) {
        this.services = services;
        this.caller = caller;
        this.decoder = new XmppStreamDecoder(limits);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        stream = services.open(this);
        decoder.read(Unpooled.wrappedBuffer(IMPLIED_ROOT), new ArrayList<>());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            read(text);
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
        } else if (!(frame instanceof PongWebSocketFrame)) {
            stream.onError(new StreamErrorException(StreamError.BAD_FORMAT, "a binary frame"));
        }
    }

    private void read(TextWebSocketFrame frame) {
        List<Object> events = new ArrayList<>();
        try {
            decoder.read(frame.content(), events);
            if (!decoder.betweenStanzas()) {
                throw new StreamErrorException(StreamError.BAD_FORMAT, "a frame that is not one whole element");
            }
        } catch (StreamErrorException e) {
            stream.onError(e);
            return;
        }
        for (Object event : events) {
            stream.onEvent(framing((StreamEvent) event));
        }
    }

    /** RFC 7395's {@code <open/>} and {@code <close/>} are the stream's opening and end. */
    private static StreamEvent framing(StreamEvent event) {
        if (event instanceof StreamEvent.Stanza stanza && stanza.element().namespace().equals(Namespaces.FRAMING)) {
            if (stanza.element().name().equals("open")) {
                return new StreamEvent.Opened(stanza.element());
            }
            if (stanza.element().name().equals("close")) {
                return new StreamEvent.Closed();
            }
        }
        return event;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("XMPP WebSocket from {} failed", caller.address(), cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stream.onTransportClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void open(String streamId, String domain) {
        opened = true;
        write("<open xmlns='" + Namespaces.FRAMING + "' id='" + streamId + "' from='" + domain
                + "' version='1.0' xml:lang='en'/>");
    }

    @Override
    public void send(XmlElement element) {
        write(StreamXml.write(element, "", true));
    }

    private void write(String xml) {
        if (!closing) {
            ctx.writeAndFlush(new TextWebSocketFrame(xml), ctx.voidPromise());
        }
    }

    @Override
    public void drop() {
        closing = true;
        ctx.close();
    }

    @Override
    public void close(XmlElement error) {
        if (closing) {
            return;
        }
        if (error != null) {
            if (!opened) {
                open("error", services.settings().domain());
            }
            send(error);
        }
        write("<close xmlns='" + Namespaces.FRAMING + "'/>");
        closing = true;
        ctx.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public boolean isProtected() {
        return caller.protectedConnection();
    }

    @Override
    public boolean canStartTls() {
        return false;
    }

    @Override
    public void startTls(XmlElement proceed) {
        throw new UnsupportedOperationException("a WebSocket is protected by its HTTPS, never by STARTTLS");
    }

    @Override
    public void restartAfter(XmlElement success) {
        // The client opens the next stream with a new <open/>; the frames are read on as before.
        send(success);
    }

    @Override
    public EventExecutor executor() {
        return ctx.channel().eventLoop();
    }

    @Override
    public String client() {
        return caller.address();
    }
}
