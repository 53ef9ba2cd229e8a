package dev.chorus.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8StringsTest {
    private static ByteBuffer direct(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    @Test
    void readsDirectAndHeapBuffersAsUtf8() {
        String text = "{\"room\":\"café ☕\",\"text\":\"héllo 🌍\"}";
        assertThat(Utf8Strings.INSTANCE.decodeValue(direct(text))).isEqualTo(text);
        assertThat(Utf8Strings.INSTANCE.decodeKey(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(text);
        assertThat(Utf8Strings.INSTANCE.decodeValue(direct(""))).isEmpty();
    }

    @Test
    void readsOnlyTheRemainingBytesAndLeavesThePositionAlone() {
        ByteBuffer buffer = direct("skip:kept");
        buffer.position(5);
        assertThat(Utf8Strings.decode(buffer)).isEqualTo("kept");
        assertThat(buffer.position()).isEqualTo(5);

        ByteBuffer heap = ByteBuffer.wrap("xxabcxx".getBytes(StandardCharsets.US_ASCII), 2, 3).slice();
        assertThat(Utf8Strings.decode(heap)).isEqualTo("abc");
    }

    @Test
    void aShortAnswerAfterALongOneIsNotMixedWithIt() {
        String longer = "é".repeat(5000);
        assertThat(Utf8Strings.decode(direct(longer))).isEqualTo(longer);
        String near = "a".repeat(4000);
        assertThat(Utf8Strings.decode(direct(near))).isEqualTo(near);
        assertThat(Utf8Strings.decode(direct("ok"))).isEqualTo("ok");
    }

    @Test
    void writesAsLettucesOwnCodec() {
        assertThat(Utf8Strings.INSTANCE.encodeValue("héllo"))
                .isEqualTo(ByteBuffer.wrap("héllo".getBytes(StandardCharsets.UTF_8)));
    }
}
