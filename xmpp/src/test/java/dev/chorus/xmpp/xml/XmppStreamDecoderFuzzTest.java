package dev.chorus.xmpp.xml;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The decoder under arbitrary cuts and arbitrary bytes: the same stanzas however they come, and no surprise. */
class XmppStreamDecoderFuzzTest {
    private static final String STREAM = XmppStreamDecoderTest.OPEN
            + "<message id='1'><body>h\u00e9llo \u4e16\u754c &amp; \ud83d\ude00</body></message>"
            + "<presence><show>away</show></presence></stream:stream>";

    @Property(tries = 300)
    void theSameEventsHoweverTheBytesAreCut(@ForAll @IntRange(min = 1, max = 64) int size) {
        List<StreamEvent> events = XmppStreamDecoderTest.decode(STREAM, size);
        assertThat(events).hasSize(4);
        assertThat(((StreamEvent.Stanza) events.get(1)).element().child("body", "jabber:client").orElseThrow()
                .text()).isEqualTo("h\u00e9llo \u4e16\u754c & \ud83d\ude00");
    }

    @Property(tries = 500)
    void arbitraryBytesAreReadOrRefusedWithAStreamErrorNothingElse(@ForAll @Size(max = 400) byte[] noise,
            @ForAll @IntRange(min = 1, max = 32) int size) {
        byte[] open = XmppStreamDecoderTest.OPEN.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[open.length + noise.length];
        System.arraycopy(open, 0, bytes, 0, open.length);
        System.arraycopy(noise, 0, bytes, open.length, noise.length);
        try {
            XmppStreamDecoderTest.decode(bytes, size, XmppStreamDecoder.Limits.DEFAULTS);
        } catch (DecoderException e) {
            assertThat(e.getCause()).isInstanceOf(StreamErrorException.class);
        }
    }
}
