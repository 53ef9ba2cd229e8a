package dev.chorus.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RefusalsTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(Refusals.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Level level;

    @BeforeEach
    void capture() {
        level = logger.getLevel();
        logger.setLevel(Level.INFO);
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
        logger.setLevel(level);
    }

    @Test
    void aFloodIsCountedWholeAndLoggedALineASecondPerReasonWithTheClient() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Refusals refusals = new Refusals(meters);

        for (int i = 0; i < 1000; i++) {
            refusals.refuse("foreign-origin", "203.0.113." + (i % 250), "a handshake");
        }
        refusals.refuse("login-throttled", "198.51.100.1", "login of alice");

        assertThat(meters.get("chorus.refusals").tag("reason", "foreign-origin").counter().count()).isEqualTo(1000);
        assertThat(meters.get("chorus.refusals").tag("reason", "login-throttled").counter().count()).isEqualTo(1);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "refused a handshake from 203.0.113.0: foreign-origin",
                "refused login of alice from 198.51.100.1: login-throttled");
    }
}
