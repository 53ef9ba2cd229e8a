package dev.chorus.server;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code chorus} command line. */
@Command(name = "chorus",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Chorus: a real-time chat server speaking Socket.IO v4.",
        subcommands = {ServeCommand.class, ConfigCommand.class, UserCommand.class, ConformanceCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
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
