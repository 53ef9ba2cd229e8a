package dev.chorus.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.slf4j.LoggerFactory;

/**
 * Turns Netty's leak reports into test failures. The test JVMs run the detector at PARANOID, which tracks every
 * buffer but only logs a leak (at ERROR, when the buffer is collected); this listens to that log.
 */
final class NettyLeaks {
    private final Logger detectorLog = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    private final ListAppender<ILoggingEvent> reports = new ListAppender<>();

    NettyLeaks() {
        reports.start();
        detectorLog.addAppender(reports);
    }

    /** Collects garbage, lets the detector look at what was collected, and fails on any leak it reported. */
    void assertNoLeaks() throws InterruptedException {
        try {
            for (int round = 0; round < 3; round++) {
                System.gc();
                Thread.sleep(100);
                // The detector reports collected leaks when it tracks the next allocation.
                ByteBufAllocator.DEFAULT.buffer(16).release();
                ByteBufAllocator.DEFAULT.directBuffer(16).release();
            }
            assertThat(reports.list).as("Netty leak reports")
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .isEmpty();
        } finally {
            detectorLog.detachAppender(reports);
        }
    }
}
