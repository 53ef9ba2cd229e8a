package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void leakDetectionIsOffInProductionUnlessTheOperatorSetsIt() {
        Properties unset = new Properties();
        Main.productionDefaults(unset);
        assertThat(unset.getProperty(Main.LEAK_DETECTION)).isEqualTo("disabled");

        Properties chosen = new Properties();
        chosen.setProperty(Main.LEAK_DETECTION, "simple");
        Main.productionDefaults(chosen);
        assertThat(chosen.getProperty(Main.LEAK_DETECTION)).isEqualTo("simple");
    }
}
