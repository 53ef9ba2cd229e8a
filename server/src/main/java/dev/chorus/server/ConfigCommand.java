package dev.chorus.server;

import dev.chorus.server.config.ConfigException;
import dev.chorus.server.config.Configuration;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chorus config}: the configuration {@code serve} would run with, given the same flags, environment and file,
 * as YAML with each value's source; secrets masked. Refuses what {@code serve} would refuse, so a change can be
 * checked before a restart.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the effective configuration of 'serve' with these flags (secrets masked), or what is "
                + "wrong with it.")
final class ConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file (default: the file " + ConfigFlags.CONFIG_VARIABLE + " names, if any).")
    Path configFile;

    @Override
    public Integer call() {
        Configuration config;
        try {
            config = ConfigFlags.resolve(spec, configFile);
        } catch (ConfigException e) {
            System.err.println("chorus: " + e.getMessage());
            return ServeCommand.CONFIG_REFUSED;
        }
        StringBuilder out = new StringBuilder("# effective configuration: flag > environment > config file");
        if (config.file().path() != null) {
            out.append(" (").append(config.file().path()).append(')');
        }
        out.append(" > default\n");
        config.describe().forEach(line -> out.append(line).append('\n'));
        spec.commandLine().getOut().print(out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
