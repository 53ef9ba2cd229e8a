package dev.chorus.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void startsFromEveryKeysDefault() {
        Settings defaults = Settings.defaults();
        for (Key<?> key : Keys.ALL) {
            assertThat(defaults.get(key)).as(key.name()).isEqualTo(key.defaultValue());
        }
        assertThat(defaults.clustered()).isFalse();
    }

    @Test
    void aChangeNamesItsKeyAndLeavesTheOriginalAlone() {
        Settings defaults = Settings.defaults();
        Settings changed = defaults.with(Keys.SESSION_IDLE, Duration.ofMinutes(5))
                .with(Keys.RECOVERY_WINDOW, Duration.ofSeconds(30))
                .with(Keys.REDIS, "redis://127.0.0.1:6379");

        assertThat(changed.get(Keys.SESSION_IDLE)).isEqualTo(Duration.ofMinutes(5));
        assertThat(changed.get(Keys.RECOVERY_WINDOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(changed.clustered()).isTrue();
        assertThat(defaults.get(Keys.SESSION_IDLE)).isEqualTo(Keys.SESSION_IDLE.defaultValue());
        assertThat(defaults.clustered()).isFalse();
    }

    @Test
    void aNodeOfAClusterWarmsUpLongerThanANodeAloneUnlessTold() {
        Settings alone = Settings.defaults();
        Settings clustered = alone.with(Keys.REDIS, "redis://127.0.0.1:6379");

        assertThat(alone.warmUp()).isEqualTo(Duration.ofSeconds(6));
        assertThat(clustered.warmUp()).isEqualTo(Duration.ofSeconds(20));
        assertThat(clustered.with(Keys.WARM_UP, Duration.ofSeconds(3)).warmUp()).isEqualTo(Duration.ofSeconds(3));
        assertThat(alone.with(Keys.WARM_UP, Duration.ZERO).warmUp()).isZero();
    }

    @Test
    void readsTheEffectiveConfiguration() throws ConfigException {
        Configuration config = Configuration.resolve(Keys.ALL, Map.of("port", "9000"),
                Map.of("CHORUS_RECOVERY_WINDOW", "30"), ConfigFile.none());

        Settings settings = Settings.from(config);

        assertThat(settings.get(Keys.PORT)).isEqualTo(9000);
        assertThat(settings.get(Keys.RECOVERY_WINDOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.get(Keys.HOST)).isEqualTo(Keys.HOST.defaultValue());
    }

    @Test
    void anyOriginWithCredentialsIsRefused() throws ConfigException {
        Configuration config = Configuration.resolve(Keys.ALL, Map.of("cors-origin", "*", "cors-credentials", "true"),
                Map.of(), ConfigFile.none());

        assertThatThrownBy(() -> Settings.from(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cors-credentials").hasMessageContaining("'*'");
        assertThat(Settings.from(Configuration.resolve(Keys.ALL, Map.of("cors-origin", "https://chat.example",
                "cors-credentials", "true"), Map.of(), ConfigFile.none())).get(Keys.CORS_CREDENTIALS)).isTrue();
    }

    @Test
    void aKeyThatIsNoSettingOfANodeIsRefused() {
        Key<String> stranger = new Key<>("stranger", "X", "Not a setting.", null, text -> text, text -> text, false);

        assertThatThrownBy(() -> Settings.defaults().get(stranger)).hasMessageContaining("stranger");
        assertThatThrownBy(() -> Settings.defaults().with(stranger, "x")).hasMessageContaining("stranger");
    }
}
