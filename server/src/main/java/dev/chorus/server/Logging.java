package dev.chorus.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import dev.chorus.server.config.Keys.LogFormat;
import dev.chorus.server.config.Keys.LogLevel;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * Applies the log settings to Logback once the configuration is known. logback.xml starts the process with text
 * lines at {@code CHORUS_LOG_LEVEL}; the flag and the file can only be read after that.
 */
final class Logging {
    private Logging() {
    }

    static void apply(LogLevel level, LogFormat format) {
        // Under another SLF4J backend, that backend's own configuration rules.
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level.name()));
        if (format == LogFormat.JSON) {
            for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
                if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
                    appender.stop();
                    appender.setEncoder(jsonLines(context));
                    appender.start();
                }
            }
        }
    }

    /** Every line from now on names the node, in the text pattern and in the JSON lines' context. */
    static void nameNode(String nodeId) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.putProperty("node", nodeId);
        }
    }

    /** One JSON object per line: time, level, thread, logger, the node, the formatted message, any exception. */
    private static JsonEncoder jsonLines(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(true);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
