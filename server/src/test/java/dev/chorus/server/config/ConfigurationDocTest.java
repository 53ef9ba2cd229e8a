package dev.chorus.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists every key as the code declares it: a key added, renamed or re-defaulted fails here. */
class ConfigurationDocTest {
    private static final String START = "<!-- keys: generated from Keys.java, checked by ConfigurationDocTest -->";
    private static final String END = "<!-- end of keys -->";

    static String table() {
        StringBuilder table = new StringBuilder("""
                | key (file) | flag | environment variable | default | what it sets |
                | --- | --- | --- | --- | --- |
                """);
        for (Key<?> key : Keys.ALL) {
            String flag = key.isSwitch() ? key.flagName() : key.flagName() + " " + key.label();
            String shown = key.showDefault();
            table.append("| `").append(key.name()).append("` | `").append(cell(flag)).append("` | `")
                    .append(key.environmentVariable()).append("` | ")
                    .append(shown.isEmpty() ? "unset" : "`" + cell(shown) + "`").append(" | ")
                    .append(cell(key.description())).append(" |\n");
        }
        return table.toString();
    }

    /** A pipe ends a Markdown table cell unless escaped, in code spans too. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    @Test
    void theDocListsEveryKeyWithItsDefault() throws IOException {
        String doc = Files.readString(Path.of(System.getProperty("chorus.root", "..")).resolve("docs/configuration.md"));
        int start = doc.indexOf(START);
        int end = doc.indexOf(END);
        assertThat(start).as("docs/configuration.md holds the marker " + START).isNotNegative();
        assertThat(end).as("docs/configuration.md holds the marker " + END).isGreaterThan(start);
        assertThat(doc.substring(start + START.length(), end).strip())
                .as("the keys table in docs/configuration.md; put this in its place:%n%s", table())
                .isEqualTo(table().strip());
    }
}
