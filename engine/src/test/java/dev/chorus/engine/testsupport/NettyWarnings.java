package dev.chorus.engine.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records the warnings Netty and the engine log, whatever the configured level. An exception thrown out of a task on
 * an event loop, or one that reaches the end of a pipeline, is only logged by Netty; a test that wants "no
 * unexpected exception on the server" asserts this stays empty.
 */
public final class NettyWarnings extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private static final List<String> WATCHED = List.of("io.netty", "dev.chorus");

    private final List<String> events = new ArrayList<>();
    private final List<Level> previousLevels = new ArrayList<>();

    private NettyWarnings() {
    }

    public static NettyWarnings capture() {
        NettyWarnings appender = new NettyWarnings();
        appender.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
        appender.start();
        for (String name : WATCHED) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            appender.previousLevels.add(logger.getLevel());
            logger.setLevel(Level.WARN);
            // Recorded, not printed: these tests provoke warnings on purpose.
            logger.setAdditive(false);
            logger.addAppender(appender);
        }
        return appender;
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
            String text = event.getLoggerName() + ": " + event.getFormattedMessage();
            if (event.getThrowableProxy() != null) {
                text += " (" + event.getThrowableProxy().getClassName() + ": " + event.getThrowableProxy().getMessage() + ")";
            }
            events.add(text);
        }
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() {
        for (int i = 0; i < WATCHED.size(); i++) {
            Logger logger = (Logger) LoggerFactory.getLogger(WATCHED.get(i));
            logger.detachAppender(this);
            logger.setAdditive(true);
            logger.setLevel(previousLevels.get(i));
        }
        stop();
    }
}
