package dev.chorus.server;

import dev.chorus.server.config.ConfigException;
import dev.chorus.server.config.ConfigFile;
import dev.chorus.server.config.Configuration;
import dev.chorus.server.config.Key;
import dev.chorus.server.config.Keys;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/** Every setting of {@link Keys} as a flag of a command, and the configuration the flags, environment and file make. */
final class ConfigFlags {
    static final String CONFIG_VARIABLE = "CHORUS_CONFIG";
    static final String FOOTER = "%nEvery setting can also be given in a YAML config file (--config FILE, or "
            + CONFIG_VARIABLE + "), by its flag's name without the dashes, and in an environment variable: CHORUS_ and "
            + "the name in capitals, dashes as underscores (--session-idle: session-idle, CHORUS_SESSION_IDLE). A flag "
            + "beats the environment, which beats the file. Durations take a unit too: 90s, 15m, 12h, 30d. "
            + "docs/configuration.md lists them all.";

    private ConfigFlags() {
    }

    /** Adds a flag for each setting; a command reads them back through {@link #resolve}. */
    static void addTo(CommandSpec command) {
        for (Key<?> key : Keys.ALL) {
            OptionSpec.Builder option = OptionSpec.builder(key.flagName())
                    .description(key.description() + defaultText(key));
            if (key.isSwitch()) {
                option.arity("0..1").fallbackValue("true").paramLabel("true|false").type(String.class);
            } else if (key.defaultValue() instanceof List<?>) {
                option.arity("1").paramLabel(key.label()).type(List.class).auxiliaryTypes(String.class)
                        .splitRegex(",");
            } else {
                option.arity("1").paramLabel(key.label()).type(String.class);
            }
            command.addOption(option.build());
        }
        command.usageMessage().footer(FOOTER);
    }

    private static <T> String defaultText(Key<T> key) {
        if (key.isSwitch()) {
            return "";
        }
        String shown = key.showDefault();
        return shown.isEmpty() ? "" : " (default: " + shown + ")";
    }

    /**
     * @param configFlag the {@code --config} flag's file, or null for {@value #CONFIG_VARIABLE}'s, if set
     * @throws ConfigException when the file cannot be read, or a key is unknown or has a bad value
     */
    static Configuration resolve(CommandSpec command, Path configFlag) throws ConfigException {
        return resolve(given(command.commandLine().getParseResult()), configFlag);
    }

    /** The same, for a command that takes only some settings as flags of its own ({@code user}). */
    static Configuration resolve(Map<String, String> flags, Path configFlag) throws ConfigException {
        Map<String, String> environment = System.getenv();
        Path file = configFlag;
        if (file == null && environment.get(CONFIG_VARIABLE) != null && !environment.get(CONFIG_VARIABLE).isBlank()) {
            file = Path.of(environment.get(CONFIG_VARIABLE));
        }
        return Configuration.resolve(Keys.ALL, flags, environment,
                file == null ? ConfigFile.none() : ConfigFile.read(file));
    }

    private static Map<String, String> given(ParseResult parsed) {
        Map<String, String> flags = new HashMap<>();
        for (Key<?> key : Keys.ALL) {
            OptionSpec option = parsed.matchedOption(key.flagName());
            if (option != null) {
                Object value = option.getValue();
                flags.put(key.name(), value instanceof List<?> items
                        ? String.join(",", items.stream().map(String::valueOf).toList()) : String.valueOf(value));
            }
        }
        return flags;
    }
}
