package dev.chorus.xmpp.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.xmpp.http.Caller;
import dev.chorus.xmpp.sasl.SaslAuthenticator;
import dev.chorus.xmpp.sasl.ScramCredential;
import dev.chorus.xmpp.sasl.ScramHash;
import dev.chorus.xmpp.stream.ResourceBinder;
import dev.chorus.xmpp.stream.StanzaHandler;
import dev.chorus.xmpp.stream.StreamServices;
import dev.chorus.xmpp.stream.StreamSettings;
import dev.chorus.xmpp.xml.XmlElement;
import dev.chorus.xmpp.xml.XmppStreamDecoder;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 7395's framing: one element per frame, {@code <open/>} and {@code <close/>}, a restart by a new open. */
class WebSocketStreamHandlerTest {
    private static final String OPEN = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' "
            + "version='1.0'/>";

    private final List<XmlElement> handled = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    WebSocketStreamHandlerTest() {
        SaslAuthenticator guests = new SaslAuthenticator() {
            @Override
            public List<String> mechanisms(boolean protectedStream) {
                return List.of("PLAIN");
            }

            @Override
            public CompletableFuture<String> checkPassword(String username, String password, String client) {
                return CompletableFuture.completedFuture(username);
            }

            @Override
            public CompletableFuture<ScramCredential> scramCredential(String username, ScramHash hash,
                    String client) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<String> scramFinished(String username, boolean proofMatched, String client) {
                throw new UnsupportedOperationException();
            }
        };
        ResourceBinder binder = (client, username, requested) -> CompletableFuture.completedFuture(
                new ResourceBinder.Binding(requested, new StanzaHandler() {
                    @Override
                    public boolean handle(XmlElement stanza) {
                        return handled.add(stanza);
                    }

                    @Override
                    public void closed() {
                    }
                }));
        channel.pipeline().addLast(new WebSocketStreamHandler(new StreamServices(new StreamSettings("example.com",
                true, 3, Duration.ofMinutes(1), Duration.ofMinutes(5), 50, 200, Duration.ofMinutes(5), 100), guests,
                binder),
                new Caller("192.0.2.1", true, true), XmppStreamDecoder.Limits.DEFAULTS));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void opensLogsInRestartsAndBindsOneElementPerFrame() {
        assertThat(send(OPEN)).hasSize(2).first().asString()
                .startsWith("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' id='")
                .endsWith("from='example.com' version='1.0' xml:lang='en'/>");
        assertThat(send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                + Base64.getEncoder().encodeToString("\0guest\0x".getBytes(StandardCharsets.UTF_8)) + "</auth>"))
                .containsExactly("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        assertThat(send(OPEN)).last().asString().isEqualTo("<stream:features xmlns:stream='http://etherx.jabber"
                + ".org/streams'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><session xmlns='urn:ietf:params:xml"
                + ":ns:xmpp-session'><optional/></session><sm xmlns='urn:xmpp:sm:3'/></stream:features>");
        assertThat(send("<iq xmlns='jabber:client' type='set' id='1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>tab</resource></bind></iq>")).containsExactly("<iq xmlns='jabber:client' type='result' "
                + "id='1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>guest@example.com/tab</jid></bind></iq>");

        send("<message xmlns='jabber:client' to='bob@example.com'><body>hi</body></message>");
        assertThat(handled).singleElement().satisfies(message ->
                assertThat(message.attribute("from")).isEqualTo("guest@example.com/tab"));

        assertThat(send("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"))
                .containsExactly("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aFrameThatIsNotOneWholeElementEndsTheStream() {
        send(OPEN);

        assertThat(send("<message xmlns='jabber:client'><body>half")).containsExactly(
                "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><bad-format xmlns='urn:ietf:params:xml"
                        + ":ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>"
                        + "bad-format: a frame that is not one whole element</text></stream:error>",
                "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aBinaryFrameEndsTheStreamOpenedForIt() {
        channel.writeInbound(new BinaryWebSocketFrame());

        assertThat(frames()).hasSize(3).first().asString().startsWith("<open ");
    }

    private List<String> send(String frame) {
        channel.writeInbound(new TextWebSocketFrame(frame));
        return frames();
    }

    private List<String> frames() {
        List<String> texts = new ArrayList<>();
        for (WebSocketFrame frame = channel.readOutbound(); frame != null; frame = channel.readOutbound()) {
            if (frame instanceof TextWebSocketFrame text) {
                texts.add(text.text());
            } else {
                assertThat(frame).isInstanceOf(CloseWebSocketFrame.class);
            }
            frame.release();
        }
        return texts;
    }
}
