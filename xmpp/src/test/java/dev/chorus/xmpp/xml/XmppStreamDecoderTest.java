package dev.chorus.xmpp.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XmppStreamDecoderTest {
    static final String OPEN = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams' to='chorus.local' version='1.0' xml:lang='en'>";

    /** Feeds the bytes in pieces of {@code size} and returns every event read. */
    static List<StreamEvent> decode(byte[] bytes, int size, XmppStreamDecoder.Limits limits) {
        EmbeddedChannel channel = new EmbeddedChannel(new XmppStreamDecoder(limits));
        List<StreamEvent> events = new ArrayList<>();
        try {
            for (int at = 0; at < bytes.length; at += size) {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, Math.min(size, bytes.length - at)));
                for (Object event = channel.readInbound(); event != null; event = channel.readInbound()) {
                    events.add((StreamEvent) event);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return events;
    }

    static List<StreamEvent> decode(String xml, int size) {
        return decode(xml.getBytes(StandardCharsets.UTF_8), size, XmppStreamDecoder.Limits.DEFAULTS);
    }

    @Test
    void readsTheStreamOpeningEachStanzaWholeAndTheCloseFedAFewBytesAtATime() {
        String stream = OPEN + "<message to='bob@chorus.local' type='chat' id='m1'><body>caf\u00e9 &amp; &#65;"
                + "<![CDATA[<x>]]></body><active xmlns='http://jabber.org/protocol/chatstates'/></message> \n"
                + "<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq></stream:stream>";
        for (int size : new int[] {1, 2, 3, 7, 4096}) {
            List<StreamEvent> events = decode(stream, size);

            assertThat(events).as("fed %d bytes at a time", size).hasSize(4);
            StreamEvent.Opened opened = (StreamEvent.Opened) events.get(0);
            assertThat(opened.root().name()).isEqualTo("stream");
            assertThat(opened.root().namespace()).isEqualTo("http://etherx.jabber.org/streams");
            assertThat(opened.root().attributes()).containsEntry("to", "chorus.local").containsEntry("version", "1.0")
                    .containsEntry("xml:lang", "en");
            XmlElement message = ((StreamEvent.Stanza) events.get(1)).element();
            assertThat(message.namespace()).isEqualTo("jabber:client");
            assertThat(message.attributes()).isEqualTo(Map.of("to", "bob@chorus.local", "type", "chat", "id", "m1"));
            assertThat(message.child("body", "jabber:client").orElseThrow().text()).isEqualTo("caf\u00e9 & A<x>");
            assertThat(message.child("active", "http://jabber.org/protocol/chatstates")).isPresent();
            XmlElement iq = ((StreamEvent.Stanza) events.get(2)).element();
            assertThat(iq.child("ping", "urn:xmpp:ping")).isPresent();
            assertThat(events.get(3)).isInstanceOf(StreamEvent.Closed.class);
        }
    }

    @Test
    void aStanzaWritesBackAsTheXmlItCameAs() {
        String stanza = "<message to='a@b' type='chat'><body>1 &lt; 2 &amp; &apos;q&apos;</body>"
                + "<x xmlns='urn:x'><y/></x></message>";
        XmlElement message = ((StreamEvent.Stanza) decode(OPEN + stanza, 5).get(1)).element();

        assertThat(message.toXml("jabber:client")).isEqualTo(stanza);
        assertThat(((StreamEvent.Stanza) decode(OPEN + message.toXml("jabber:client"), 3).get(1)).element()
                .toXml("jabber:client")).isEqualTo(stanza);
    }

    @Test
    void restrictedXmlEndsTheStream() {
        assertRefused(OPEN + "<!-- a comment -->", StreamError.RESTRICTED_XML);
        assertRefused(OPEN + "<message><?pi data?></message>", StreamError.RESTRICTED_XML);
        assertThat(refusal("<?xml version='1.0'?><!DOCTYPE stream [<!ENTITY x 'y'>]>" + OPEN))
                .isIn(StreamError.RESTRICTED_XML, StreamError.NOT_WELL_FORMED);
    }

    @Test
    void aBillionLaughsIsRefusedBeforeAnyEntityIsExpanded() {
        StringBuilder laughs = new StringBuilder("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>");
        for (int i = 1; i <= 9; i++) {
            laughs.append("<!ENTITY lol").append(i).append(" '").append(("&lol" + (i == 1 ? "" : i - 1) + ";")
                    .repeat(10)).append("'>");
        }
        laughs.append("]><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>&lol9;");

        assertThat(refusal(laughs.toString())).isIn(StreamError.RESTRICTED_XML, StreamError.NOT_WELL_FORMED);
    }

    @Test
    void brokenXmlAndBytesThatAreNoUtf8EndTheStream() {
        assertRefused(OPEN + "<message><body>unclosed</message>", StreamError.NOT_WELL_FORMED);
        assertRefused(OPEN + "<message>&undeclared;</message>", StreamError.RESTRICTED_XML);
        assertRefused(OPEN + "<message><body>a\u0000b</body></message>", StreamError.NOT_WELL_FORMED);
        byte[] open = OPEN.getBytes(StandardCharsets.UTF_8);
        byte[] invalid = new byte[open.length + 18];
        System.arraycopy(open, 0, invalid, 0, open.length);
        System.arraycopy("<message><body>".getBytes(StandardCharsets.UTF_8), 0, invalid, open.length, 15);
        invalid[open.length + 15] = (byte) 0xC3;
        invalid[open.length + 16] = (byte) 0x28;
        invalid[open.length + 17] = (byte) 0xFF;
        assertThatThrownBy(() -> decode(invalid, 4, XmppStreamDecoder.Limits.DEFAULTS))
                .isInstanceOf(DecoderException.class).cause().isInstanceOfSatisfying(StreamErrorException.class,
                        error -> assertThat(error.error()).isEqualTo(StreamError.NOT_WELL_FORMED));
    }

    @Test
    void aStanzaOverTheCapIsCutOffAsItArrivesNotKept() {
        XmppStreamDecoder.Limits small = new XmppStreamDecoder.Limits(1024, 4, 3);
        String big = OPEN + "<message><body>" + "x".repeat(100_000);
        assertThat(refusal(big, small)).isEqualTo(StreamError.POLICY_VIOLATION);
        assertThat(decode((OPEN + " ".repeat(5000) + "<presence/>").getBytes(StandardCharsets.UTF_8), 100, small))
                .as("whitespace keepalives between stanzas are read and dropped, not kept").hasSize(2);
        assertThat(decode((OPEN + ("<message><body>" + "x".repeat(900) + "</body></message>").repeat(20))
                .getBytes(StandardCharsets.UTF_8), 100, small)).as("many stanzas under the cap each").hasSize(21);
        assertThat(refusal(OPEN + "<a><b><c><d><e/></d></c></b></a>", small)).as("too deep")
                .isEqualTo(StreamError.POLICY_VIOLATION);
        assertThat(refusal(OPEN + "<a w='1' x='2' y='3' z='4'/>", small)).as("too many attributes")
                .isEqualTo(StreamError.POLICY_VIOLATION);
        assertThat(refusal(OPEN + "hello", small)).as("text between stanzas").isEqualTo(StreamError.BAD_FORMAT);
    }

    @Test
    void aStanzaOverTheCapIsRefusedWhenItComesWholeInOneRead() {
        XmppStreamDecoder decoder = new XmppStreamDecoder(new XmppStreamDecoder.Limits(1024, 4, 3));
        String whole = OPEN + "<presence/><message><body>" + "x".repeat(2000) + "</body></message>";

        assertThatThrownBy(() -> decoder.read(Unpooled.copiedBuffer(whole, StandardCharsets.UTF_8), new ArrayList<>()))
                .isInstanceOfSatisfying(StreamErrorException.class,
                        error -> assertThat(error.error()).isEqualTo(StreamError.POLICY_VIOLATION));
    }

    private static void assertRefused(String xml, StreamError error) {
        assertThat(refusal(xml)).isEqualTo(error);
    }

    private static StreamError refusal(String xml) {
        return refusal(xml, XmppStreamDecoder.Limits.DEFAULTS);
    }

    static StreamError refusal(String xml, XmppStreamDecoder.Limits limits) {
        try {
            decode(xml.getBytes(StandardCharsets.UTF_8), 3, limits);
        } catch (DecoderException e) {
            if (e.getCause() instanceof StreamErrorException error) {
                return error.error();
            }
            throw e;
        }
        throw new AssertionError("not refused: " + xml);
    }

    @Test
    void anElementWrittenOutReadsBackTheSame() {
        XmlElement iq = XmlElement.builder("iq", "jabber:client").attribute("type", "get").attribute("id", "a&b")
                .child(XmlElement.builder("query", "urn:example").text("x < y").build()).build();

        XmlElement back = XmlElement.parse(iq.toXml(""));

        assertThat(back.toXml("")).isEqualTo(iq.toXml(""));
        assertThatThrownBy(() -> XmlElement.parse("<iq/><iq/>")).isInstanceOf(StreamErrorException.class);
        assertThatThrownBy(() -> XmlElement.parse("<iq>")).isInstanceOf(StreamErrorException.class);
    }
}
