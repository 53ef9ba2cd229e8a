package dev.chorus.engine.eio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PacketCodecTest {
    @Test
    void decodesBinaryPacketsOfAPollingPayload() {
        List<InboundPacket> packets = PacketCodec.decodePayload("4hello\u001ebAQID");

        assertThat(packets).hasSize(2);
        assertThat(packets.get(0).text()).isEqualTo("hello");
        assertThat(packets.get(1).binary()).containsExactly(1, 2, 3);
    }

    @Test
    void acceptsBase64EndingWithALineBreakAsTheJavaClientSendsIt() {
        List<InboundPacket> packets = PacketCodec.decodePayload("bAQID\n\u001ebBAU=\r\n");

        assertThat(packets).extracting(InboundPacket::binary)
                .containsExactly(new byte[] {1, 2, 3}, new byte[] {4, 5});
    }
}
