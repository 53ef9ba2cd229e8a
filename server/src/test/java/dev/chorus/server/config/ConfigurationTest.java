package dev.chorus.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chorus.chat.web.AuthMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationTest {
    @TempDir
    Path dir;

    private ConfigFile file(String yaml) throws IOException, ConfigException {
        Path path = dir.resolve("chorus.yaml");
        Files.writeString(path, yaml);
        return ConfigFile.read(path);
    }

    private static Configuration resolve(Map<String, String> flags, Map<String, String> env, ConfigFile file)
            throws ConfigException {
        return Configuration.resolve(Keys.ALL, flags, env, file);
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() throws Exception {
        ConfigFile file = file("port: 7001\nhistory-size: 50\nsession-idle: 10\nauth: guest\n");
        Configuration config = resolve(Map.of("port", "7003"),
                Map.of("CHORUS_PORT", "7002", "CHORUS_HISTORY_SIZE", "60"), file);

        assertThat(config.get(Keys.PORT)).isEqualTo(7003);
        assertThat(config.source(Keys.PORT)).isEqualTo(Source.FLAG);
        assertThat(config.get(Keys.HISTORY_SIZE)).isEqualTo(60);
        assertThat(config.source(Keys.HISTORY_SIZE)).isEqualTo(Source.ENVIRONMENT);
        assertThat(config.get(Keys.SESSION_IDLE)).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.source(Keys.SESSION_IDLE)).isEqualTo(Source.FILE);
        assertThat(config.get(Keys.AUTH)).isEqualTo(AuthMode.GUEST);
        assertThat(config.get(Keys.MESSAGE_BURST)).isEqualTo(100);
        assertThat(config.source(Keys.MESSAGE_BURST)).isEqualTo(Source.DEFAULT);
    }

    @Test
    void anUnknownKeyInTheFileIsRefusedByName() throws Exception {
        ConfigFile file = file("prot: 8080\n");
        assertThatThrownBy(() -> resolve(Map.of(), Map.of(), file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'prot'")
                .hasMessageContaining("did you mean 'port'?");
    }

    @Test
    void anUnknownChorusVariableIsRefusedButTheLaunchersAreNot() {
        assertThatThrownBy(() -> resolve(Map.of(), Map.of("CHORUS_HISTROY_SIZE", "5"), ConfigFile.none()))
                .hasMessageContaining("CHORUS_HISTROY_SIZE is not a setting")
                .hasMessageContaining("CHORUS_HISTORY_SIZE");
        assertThatCode(() -> resolve(Map.of(), Map.of("CHORUS_JAVA_OPTS", "-Xmx1g", "CHORUS_TEST_LOG_LEVEL",
                "DEBUG", "HOME", "/root"), ConfigFile.none())).doesNotThrowAnyException();
        assertThatCode(() -> resolve(Map.of(), Map.of("CHORUS_MEMORY", "jvm", "CHORUS_CDS", "off",
                "CHORUS_CDS_ARCHIVE", "/tmp/chorus.jsa", "CHORUS_NO_BUILD", "1"), ConfigFile.none()))
                .as("the launcher's own").doesNotThrowAnyException();
    }

    @Test
    void aBadValueNamesItsKeyAndWhereItWasSet() throws Exception {
        assertThatThrownBy(() -> resolve(Map.of("port", "80000"), Map.of(), ConfigFile.none()))
                .hasMessage("flag --port, key 'port': 80000 is out of range: 0 to 65535");
        assertThatThrownBy(() -> resolve(Map.of(), Map.of("CHORUS_AUTH", "ldap"), ConfigFile.none()))
                .hasMessage("environment variable CHORUS_AUTH, key 'auth': 'ldap' is not one of password, guest");
        ConfigFile file = file("session-idle: soon\n");
        assertThatThrownBy(() -> resolve(Map.of(), Map.of(), file))
                .hasMessageStartingWith("config file " + file.path() + ", key 'session-idle': 'soon' is not a duration");
        assertThatThrownBy(() -> resolve(Map.of("message-rate", "0"), Map.of(), ConfigFile.none()))
                .hasMessageContaining("key 'message-rate'");
        assertThatThrownBy(() -> resolve(Map.of("cors-origin", "example.com"), Map.of(), ConfigFile.none()))
                .hasMessageContaining("key 'cors-origin': 'example.com' is not an origin");
        assertThatThrownBy(() -> resolve(Map.of("session-cookie", "a b"), Map.of(), ConfigFile.none()))
                .hasMessageContaining("key 'session-cookie'");
        assertThatThrownBy(() -> resolve(Map.of("trusted-proxies", "127.0.0.1,proxy"), Map.of(), ConfigFile.none()))
                .hasMessageContaining("key 'trusted-proxies': 'proxy' is not an IP address");
    }

    @Test
    void aBadRedisUrlIsRefusedWithoutShowingItsPassword() {
        assertThatThrownBy(() -> resolve(Map.of("redis", "http://:hunter2@example:6379"), Map.of(), ConfigFile.none()))
                .hasMessageContaining("key 'redis'")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void durationsTakeTheKeysUnitOrOneOfTheirOwn() throws Exception {
        Configuration config = resolve(Map.of("session-idle", "90s", "session-max", "2d", "recovery-window", "30"),
                Map.of(), ConfigFile.none());
        assertThat(config.get(Keys.SESSION_IDLE)).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.get(Keys.SESSION_MAX)).isEqualTo(Duration.ofDays(2));
        assertThat(config.get(Keys.RECOVERY_WINDOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.describe()).contains("session-idle: 90s  # flag", "session-max: 48  # flag");
    }

    @Test
    void listsAreSequencesOrCommaSeparated() throws Exception {
        assertThat(resolve(Map.of(), Map.of(), file("cors-origin:\n  - https://a.example\n  - https://b.example\n"))
                .get(Keys.CORS_ORIGIN)).containsExactly("https://a.example", "https://b.example");
        assertThat(resolve(Map.of(), Map.of("CHORUS_CORS_ORIGIN", "https://a.example, *"), ConfigFile.none())
                .get(Keys.CORS_ORIGIN)).containsExactly("https://a.example", "*");
    }

    @Test
    void theFileIsFlatYaml() throws Exception {
        assertThatThrownBy(() -> file("session:\n  idle: 5\n"))
                .hasMessageContaining("key 'session': holds a section");
        assertThatThrownBy(() -> file("port: [1\n")).hasMessageContaining("is not valid YAML");
        assertThatThrownBy(() -> ConfigFile.read(dir.resolve("absent.yaml"))).hasMessageContaining("does not exist");
        assertThat(resolve(Map.of(), Map.of(), file("# nothing set\n")).source(Keys.PORT)).isEqualTo(Source.DEFAULT);
        assertThat(resolve(Map.of(), Map.of(), file("redis:\n")).get(Keys.REDIS)).isNull();
    }

    @Test
    void secretsAreMaskedWhereverTheConfigurationIsShown() throws Exception {
        Configuration config = resolve(Map.of(), Map.of("CHORUS_REDIS", "redis://chorus:s3cret@10.0.0.5:6379/2"),
                ConfigFile.none());
        assertThat(config.get(Keys.REDIS)).isEqualTo("redis://chorus:s3cret@10.0.0.5:6379/2");
        assertThat(config.describe()).contains("redis: 'redis://chorus:****@10.0.0.5:6379/2'  # environment");
        assertThat(config.summary()).isEqualTo("redis=redis://chorus:****@10.0.0.5:6379/2 (environment)");
        assertThat(Keys.maskPassword("rediss://:p@ss@host:6380")).isEqualTo("rediss://:****@host:6380");
        assertThat(Keys.maskPassword("redis://onlypassword@host")).isEqualTo("redis://****@host");
        assertThat(Keys.maskPassword("redis://host:6379")).isEqualTo("redis://host:6379");
    }

    @Test
    void everyKeyHasItsOwnFlagAndVariable() {
        assertThat(Keys.ALL.stream().map(Key::environmentVariable).distinct()).hasSameSizeAs(Keys.ALL);
        assertThat(Keys.SESSION_IDLE.flagName()).isEqualTo("--session-idle");
        assertThat(Keys.MAX_CONNECTIONS_PER_USER.environmentVariable()).isEqualTo("CHORUS_MAX_CONNECTIONS_PER_USER");
        assertThat(List.copyOf(Keys.ALL)).doesNotHaveDuplicates();
    }
}
