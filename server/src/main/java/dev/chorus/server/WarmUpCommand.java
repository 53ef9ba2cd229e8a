package dev.chorus.server;

import dev.chorus.server.config.Keys.LogFormat;
import dev.chorus.server.config.Keys.LogLevel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code chorus warm-up}, for the launcher: starts a private node in this process and does once what clients do
 * ({@link WarmUp#once}), then stops it. Run with {@code -XX:ArchiveClassesAtExit}, it leaves the classes a node loads
 * to start and serve in a class data sharing archive, which later starts map instead of loading and verifying each
 * class again.
 */
@Command(name = "warm-up", hidden = true, description = "Start and exercise a node once, for the launcher's class archive.")
final class WarmUpCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Logging.apply(LogLevel.WARN, LogFormat.TEXT);
        WarmUp.once();
        return 0;
    }
}
