package dev.chorus.xmpp.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.xmpp.sasl.ScramHash;
import dev.chorus.xmpp.tcp.TcpStreamHandler;
import dev.chorus.xmpp.xml.XmppStreamDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A client's TCP connection to a stream of the test, as bytes written and read: alice, logging in with SCRAM. */
final class TestStreamClient {
    static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

    private final EmbeddedChannel channel = new EmbeddedChannel();

    TestStreamClient(StreamServices services) {
        channel.freezeTime();
        TcpStreamHandler.initialize(channel.pipeline(), services, null, null, XmppStreamDecoder.Limits.DEFAULTS);
        channel.pipeline().fireChannelActive();
    }

    EmbeddedChannel channel() {
        return channel;
    }

    /** Logged in, the stream restarted: ready to bind or resume. @return the features offered then */
    String loggedIn() {
        send(HEADER);
        scramLogin(ScramHash.SHA_256, TestAccounts.PASSWORD);
        return send(HEADER);
    }

    /** Logged in and bound to {@code resource}. @return the bind's answer */
    String bound(String resource) {
        loggedIn();
        return send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>" + resource + "</resource></bind></iq>");
    }

    /** A SCRAM exchange as a client runs it. @return the server's last word */
    String scramLogin(ScramHash hash, String password) {
        String clientFirstBare = "n=alice,r=clientnonce";
        String challenge = send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='" + hash.mechanism()
                + "'>" + base64("n,," + clientFirstBare) + "</auth>");
        String serverFirst = new String(Base64.getDecoder().decode(
                challenge.replaceAll(".*<challenge[^>]*>([^<]*)</challenge>.*", "$1")), StandardCharsets.UTF_8);
        assertThat(serverFirst).startsWith("r=clientnonce").contains(",s=", ",i=4096");
        String withoutProof = "c=biws,r=" + serverFirst.substring(2, serverFirst.indexOf(','));
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] salted = TestAccounts.saltedPassword(hash, password);
        byte[] clientKey = TestAccounts.hmac(hash, salted, "Client Key");
        byte[] signature = TestAccounts.hmac(hash, TestAccounts.digest(hash, clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        String answer = send("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + base64(withoutProof + ",p="
                + Base64.getEncoder().encodeToString(proof)) + "</response>");
        if (answer.startsWith("<success")) {
            byte[] serverSignature = TestAccounts.hmac(hash, TestAccounts.hmac(hash, salted, "Server Key"),
                    authMessage);
            assertThat(answer).isEqualTo("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                    + base64("v=" + Base64.getEncoder().encodeToString(serverSignature)) + "</success>");
        }
        return answer;
    }

    String send(String xml) {
        channel.writeInbound(Unpooled.copiedBuffer(xml, StandardCharsets.UTF_8));
        return read();
    }

    String read() {
        StringBuilder out = new StringBuilder();
        for (ByteBuf buffer = channel.readOutbound(); buffer != null; buffer = channel.readOutbound()) {
            out.append(buffer.toString(StandardCharsets.UTF_8));
            buffer.release();
        }
        return out.toString();
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
