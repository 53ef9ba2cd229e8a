package dev.chorus.server;

import dev.chorus.server.config.ConfigException;
import dev.chorus.server.config.Configuration;
import dev.chorus.server.config.Keys;
import dev.chorus.server.config.Keys.LogLevel;
import dev.chorus.server.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chorus serve}: run a node. Its settings' flags come from {@link Keys} ({@link ConfigFlags}). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run a Chorus node.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
    /** Exit status when the configuration is refused, as picocli's for a bad command line. */
    static final int CONFIG_REFUSED = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file (default: the file " + ConfigFlags.CONFIG_VARIABLE + " names, if any).")
    Path configFile;

    @Override
    public Integer call() throws Exception {
        Configuration config;
        Settings settings;
        try {
            config = ConfigFlags.resolve(spec, configFile);
            settings = Settings.from(config);
        } catch (ConfigException e) {
            System.err.println("chorus: " + e.getMessage());
            return CONFIG_REFUSED;
        }
        Logging.apply(config.get(Keys.LOG_LEVEL), config.get(Keys.LOG_FORMAT));
        log.info("configuration{}: {}", config.file().path() == null ? "" : " (file " + config.file().path() + ")",
                config.summary());
        WarmUp.Report warmedUp = warmUp(config, settings);
        Node node = Node.start(settings);
        QuietCollection.forThisJvm().ifPresent(QuietCollection::start);
        if (warmedUp != null) {
            log.info("warmed up in {} ms before serving, on a private node: {} connections, {} messages, {} deliveries,"
                    + " {} sessions recovered", warmedUp.took().toMillis(), warmedUp.connections(),
                    warmedUp.messages(), warmedUp.delivered(), warmedUp.recovered());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM (a rolling restart, a scale-down): hand the clients over, then stop.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.drain();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                node.close();
                stopped.countDown();
            }
        }, "chorus-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * See {@link WarmUp}: its private node's lines are kept out of the log unless they warn.
     *
     * @return what it did; null when it was not done
     */
    private static WarmUp.Report warmUp(Configuration config, Settings settings) throws InterruptedException {
        Duration budget = settings.warmUp();
        if (budget.isZero()) {
            return null;
        }
        if (config.get(Keys.LOG_LEVEL).compareTo(LogLevel.WARN) < 0) {
            Logging.apply(LogLevel.WARN, config.get(Keys.LOG_FORMAT));
        }
        try {
            return WarmUp.run(settings, budget);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            log.warn("the warm-up failed; serving without it", e);
            return null;
        } finally {
            Logging.apply(config.get(Keys.LOG_LEVEL), config.get(Keys.LOG_FORMAT));
        }
    }
}
