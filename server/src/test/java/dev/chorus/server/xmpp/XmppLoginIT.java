package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.connect;
import static dev.chorus.server.xmpp.WebUsers.register;
import static dev.chorus.server.xmpp.WebUsers.socket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chorus.server.config.Keys;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.SASLAuthentication;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XMPP clients log in to a node with the web's accounts: Smack over TCP with STARTTLS (SCRAM-SHA-1, PLAIN), a raw
 * RFC 7395 WebSocket client on the HTTP port; wrong passwords refused; requests nobody serves answered; resources
 * counted with the user's Socket.IO connections.
 */
class XmppLoginIT {
    private static final String DOMAIN = SmackClients.DOMAIN;

    @RegisterExtension
    static final OneXmppNode node = new OneXmppNode(settings -> settings.with(Keys.MAX_CONNECTIONS_PER_USER, 2));
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void allowPlain() {
        SASLAuthentication.unBlacklistSASLMechanism("PLAIN");
    }

    @Test
    void logsInWithTheWebsPasswordOverScramAndPlain() throws Exception {
        String cookie = register(node.port(), "alice");
        assertThat(cookie).isNotEmpty();
        for (String mechanism : List.of("SCRAM-SHA-1", "PLAIN")) {
            XMPPTCPConnection alice = node.smack().connection("alice", WebUsers.PASSWORD, "desk", mechanism);
            try {
                alice.connect().login();

                assertThat(alice.isSecureConnection()).isTrue();
                assertThat(alice.getUsedSaslMechansism()).isEqualTo(mechanism);
                assertThat(alice.getUser().toString()).isEqualTo("alice@" + DOMAIN + "/desk");
                assertThat(PingManager.getInstanceFor(alice).pingMyServer()).isTrue();
            } finally {
                alice.disconnect();
            }
        }
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        register(node.port(), "bob");
        XMPPTCPConnection bob = node.smack().connection("bob", "wrong-password", "desk", "SCRAM-SHA-1");
        try {
            bob.connect();
            assertThatThrownBy(bob::login).isInstanceOf(SASLErrorException.class)
                    .hasMessageContaining("not-authorized");
        } finally {
            bob.disconnect();
        }
    }

    @Test
    void aRequestNobodyServesIsAnsweredNotLeftHanging() throws Exception {
        register(node.port(), "carol");
        XMPPTCPConnection carol = node.smack().connection("carol", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        try {
            carol.connect().login();

            Version request = Version.builder(carol).to(JidCreate.from(DOMAIN)).ofType(IQ.Type.get).build();
            assertThatThrownBy(() -> carol.createStanzaCollectorAndSend(request).nextResultOrThrow())
                    .isInstanceOfSatisfying(XMPPErrorException.class, error -> assertThat(
                            error.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable));
        } finally {
            carol.disconnect();
        }
    }

    @Test
    void resourcesCountWithTheUsersSocketIoConnections() throws Exception {
        String cookie = register(node.port(), "dave");
        Socket web = socket(node.port(), cookie);
        XMPPTCPConnection phone = node.smack().connection("dave", WebUsers.PASSWORD, "phone", "SCRAM-SHA-1");
        XMPPTCPConnection desk = node.smack().connection("dave", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
        try {
            web.connect();
            await().atMost(Duration.ofSeconds(10)).until(web::connected);
            phone.connect().login();

            desk.connect();
            assertThatThrownBy(desk::login).isInstanceOfSatisfying(XMPPErrorException.class, error -> assertThat(
                    error.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.resource_constraint));

            web.disconnect();
            desk.disconnect();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                XMPPTCPConnection again = node.smack().connection("dave", WebUsers.PASSWORD, "desk", "SCRAM-SHA-1");
                try {
                    again.connect().login();
                    assertThat(again.isAuthenticated()).isTrue();
                } finally {
                    again.disconnect();
                }
            });
        } finally {
            web.close();
            phone.disconnect();
            desk.disconnect();
        }
    }

    @Test
    void aWebSocketStreamLogsInAndBindsOnTheHttpPort() throws Exception {
        register(node.port(), "erin");
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket socket = http.newWebSocketBuilder().subprotocols("xmpp")
                .buildAsync(URI.create("ws://127.0.0.1:" + node.port() + "/xmpp-websocket"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            frames.add(text.toString());
                            text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            assertThat(socket.getSubprotocol()).isEqualTo("xmpp");
            String open = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='" + DOMAIN + "' version='1.0'/>";
            socket.sendText(open, true);
            assertThat(next(frames)).startsWith("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' id='")
                    .contains("from='" + DOMAIN + "'");
            // Loopback: no one reads along, so PLAIN is offered beside SCRAM.
            assertThat(next(frames)).startsWith("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>")
                    .contains("<mechanism>SCRAM-SHA-256</mechanism>", "<mechanism>PLAIN</mechanism>");

            socket.sendText("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + Base64.getEncoder()
                    .encodeToString(("\0erin\0" + WebUsers.PASSWORD).getBytes(StandardCharsets.UTF_8)) + "</auth>", true);
            assertThat(next(frames)).isEqualTo("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
            socket.sendText(open, true);
            next(frames);
            assertThat(next(frames)).contains("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>");
            socket.sendText("<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:"
                    + "xmpp-bind'><resource>web</resource></bind></iq>", true);
            assertThat(next(frames)).contains("<jid>erin@" + DOMAIN + "/web</jid>");
            socket.sendText("<iq xmlns='jabber:client' type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>", true);
            assertThat(next(frames)).isEqualTo("<iq xmlns='jabber:client' type='result' id='p' to='erin@" + DOMAIN
                    + "/web'/>");

            socket.sendText("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>", true);
            assertThat(next(frames)).isEqualTo("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        } finally {
            socket.abort();
        }
    }

    @Test
    void aWebSocketFromAnotherSiteIsRefused() {
        assertThatThrownBy(() -> http.newWebSocketBuilder().subprotocols("xmpp").header("Origin", "https://evil.example")
                .buildAsync(URI.create("ws://127.0.0.1:" + node.port() + "/xmpp-websocket"), new WebSocket.Listener() {
                }).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(error -> assertThat(((WebSocketHandshakeException) error.getCause()).getResponse()
                        .statusCode()).isEqualTo(403));
    }

    private static String next(BlockingQueue<String> frames) throws InterruptedException {
        String frame = frames.poll(10, TimeUnit.SECONDS);
        assertThat(frame).as("a frame within 10 s").isNotNull();
        return frame;
    }
}
