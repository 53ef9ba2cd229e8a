package dev.chorus.server;

import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code chorus} command line. */
@Command(name = "chorus",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Chorus: a real-time chat server speaking Socket.IO v4.",
        subcommands = {ServeCommand.class, ConfigCommand.class, UserCommand.class, ConformanceCommand.class,
                WarmUpCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    public static void main(String[] args) {
        productionDefaults(System.getProperties());
        System.exit(commandLine().execute(args));
    }

    /**
     * Netty's leak detector is off unless the operator sets its level: every test run tracks every buffer at
     * PARANOID and fails on a leak, while sampling in production costs a stack trace per sampled buffer, 3 to 5 % of a
     * node's CPU under load. Must run before the first buffer class loads.
     */
    static void productionDefaults(Properties system) {
        system.putIfAbsent(LEAK_DETECTION, "disabled");
    }

    /** The command line with every command and flag, for {@link #main} and for tests that run a command in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        for (String command : new String[] {"serve", "config"}) {
            ConfigFlags.addTo(cli.getSubcommands().get(command).getCommandSpec());
        }
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"chorus " + (version != null ? version : "development build")};
        }
    }
}
