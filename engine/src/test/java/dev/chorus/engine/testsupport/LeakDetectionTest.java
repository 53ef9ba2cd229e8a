package dev.chorus.engine.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check itself: a buffer dropped without release must come back as a report, or the check is blind. */
class LeakDetectionTest {
    @Test
    void aDroppedBufferIsReported() {
        assertThat(LeakDetection.sweep()).as("leaks left by earlier tests").isEmpty();

        leakOneBuffer();

        List<String> reports = new ArrayList<>();
        for (int attempt = 0; attempt < 20 && reports.isEmpty(); attempt++) {
            reports.addAll(LeakDetection.sweep());
        }
        assertThat(LeakDetection.recording()).as("the recording detector is the one Netty uses").isTrue();
        assertThat(reports).singleElement().asString()
                .startsWith("LEAK: ByteBuf")
                .contains(LeakDetectionTest.class.getName() + ".leakOneBuffer");
    }

    private static void leakOneBuffer() {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(16);
        buf.writeLong(42);
    }
}
