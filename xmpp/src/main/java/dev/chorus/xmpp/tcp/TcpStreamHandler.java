package dev.chorus.xmpp.tcp;

import dev.chorus.xmpp.stream.Namespaces;
import dev.chorus.xmpp.stream.RandomIds;
import dev.chorus.xmpp.stream.StreamServices;
import dev.chorus.xmpp.stream.StreamTransport;
import dev.chorus.xmpp.stream.StreamXml;
import dev.chorus.xmpp.stream.XmppStream;
import dev.chorus.xmpp.xml.StreamErrorException;
import dev.chorus.xmpp.xml.StreamEvent;
import dev.chorus.xmpp.xml.XmlElement;
import dev.chorus.xmpp.xml.XmppStreamDecoder;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP framing of XMPP (RFC 6120 §4): one stream of XML per connection, restarted in place after STARTTLS and
 * after SASL with a fresh parser. Each connection has its own handler, after {@link #DECODER}.
 */
public final class TcpStreamHandler extends ChannelInboundHandlerAdapter implements StreamTransport {
    private static final Logger log = LoggerFactory.getLogger(TcpStreamHandler.class);
    /** The name of the stream decoder in the pipeline, replaced at each restart. */
    public static final String DECODER = "xmpp-decoder";
    private static final String TLS = "tls";
    /** How long a stream ended by the server waits for its client to close the connection (RFC 6120 §4.4). */
    private static final Duration LINGER = Duration.ofSeconds(2);

    private final StreamServices services;
    private final SslContext startTls;
    private final XmppStreamDecoder.Limits limits;
    private ChannelHandlerContext ctx;
    private XmppStream stream;
    private boolean headerWritten;
    private boolean closing;

    /**
     * @param startTls the TLS offered by STARTTLS (made with {@code startTls(true)}), or null for none
     */
    public TcpStreamHandler(StreamServices services, SslContext startTls, XmppStreamDecoder.Limits limits) {
        this.services = services;
        this.startTls = startTls;
        this.limits = limits;
    }

    /** A connection's pipeline: the decoder and this handler, behind TLS from the first byte when given one. */
    public static void initialize(ChannelPipeline pipeline, StreamServices services, SslContext directTls,
            SslContext startTls, XmppStreamDecoder.Limits limits) {
        if (directTls != null) {
            pipeline.addLast(TLS, directTls.newHandler(pipeline.channel().alloc()));
        }
        pipeline.addLast(DECODER, new XmppStreamDecoder(limits));
        pipeline.addLast("xmpp-stream", new TcpStreamHandler(services, directTls == null ? startTls : null, limits));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        stream = services.open(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof StreamEvent event) {
            stream.onEvent(event);
        } else {
            // Bytes a replaced decoder still held: sent before a restart the client had to wait for, so never read.
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable error = cause.getCause() instanceof StreamErrorException ? cause.getCause() : cause;
        if (error instanceof StreamErrorException streamError) {
            stream.onError(streamError);
        } else {
            log.debug("XMPP connection from {} failed", client(), error);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (stream != null) {
            stream.onTransportClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void open(String streamId, String domain) {
        headerWritten = true;
        write("<?xml version='1.0'?><stream:stream xmlns='" + Namespaces.CLIENT + "' xmlns:stream='"
                + Namespaces.STREAMS + "' id='" + streamId + "' from='" + domain
                + "' version='1.0' xml:lang='en'>");
    }

    @Override
    public void send(XmlElement element) {
        write(StreamXml.write(element, Namespaces.CLIENT, false));
    }

    private void write(String xml) {
        if (!closing) {
            ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), xml), ctx.voidPromise());
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
        if (!headerWritten && error != null) {
            // A stream error is said inside a stream, even when the client's header never came (RFC 6120 §4.9.1.1).
            open(RandomIds.next(12), services.settings().domain());
        }
        StringBuilder end = new StringBuilder();
        if (error != null) {
            end.append(StreamXml.write(error, Namespaces.CLIENT, false));
        }
        end.append("</stream:stream>");
        closing = true;
        ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), end)).addListener(written -> linger());
    }

    /**
     * The stream's end is written: the connection is half closed, and closed once the client closed its side or
     * after {@link #LINGER}. Closed at once, a connection with bytes of the client's still unread is reset, and a
     * reset can cost the client the error it was about to read (a client flooding the server, say). What comes
     * meanwhile is not parsed, only let go.
     */
    private void linger() {
        if (!(ctx.channel() instanceof DuplexChannel duplex) || !duplex.isActive()) {
            ctx.close();
            return;
        }
        if (ctx.pipeline().get(DECODER) != null) {
            ctx.pipeline().remove(DECODER);
        }
        duplex.shutdownOutput().addListener(shut -> {
            if (shut.isSuccess()) {
                ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public boolean isProtected() {
        return ctx.pipeline().get(SslHandler.class) != null
                || ctx.channel().remoteAddress() instanceof InetSocketAddress address
                && address.getAddress().isLoopbackAddress();
    }

    @Override
    public boolean canStartTls() {
        return startTls != null && ctx.pipeline().get(SslHandler.class) == null;
    }

    @Override
    public void startTls(XmlElement proceed) {
        // In place before <proceed/> is written: the client's handshake may follow it in the same instant. The
        // handler is made for STARTTLS, so <proceed/> itself still leaves in the clear.
        ctx.pipeline().addFirst(TLS, startTls.newHandler(ctx.alloc()));
        send(proceed);
        freshDecoder();
    }

    @Override
    public void restartAfter(XmlElement success) {
        send(success);
        freshDecoder();
    }

    private void freshDecoder() {
        ctx.pipeline().replace(DECODER, DECODER, new XmppStreamDecoder(limits));
    }

    @Override
    public EventExecutor executor() {
        return ctx.channel().eventLoop();
    }

    @Override
    public String client() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress address
                ? address.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }
}
