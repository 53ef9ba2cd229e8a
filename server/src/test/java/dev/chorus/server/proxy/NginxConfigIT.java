package dev.chorus.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped nginx configurations pass {@code nginx -t} as a user runs them: the standalone ones with a fresh,
 * empty prefix directory, the {@code conf.d} snippet included by a stock-like {@code nginx.conf}.
 */
class NginxConfigIT {
    private static final Path DEPLOY = Path.of(System.getProperty("chorus.root", "..")).resolve("deploy/nginx");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"nginx-round-robin.conf", "nginx-sticky.conf"})
    void aStandaloneConfigurationRunsInAFreshPrefix(String config) throws Exception {
        Path prefix = Files.createDirectories(dir.resolve("fresh"));

        Result test = nginxTest(prefix, DEPLOY.resolve(config));

        assertThat(test.exit()).as(test.output()).isZero();
    }

    @Test
    void theConfDSnippetFitsAPackagedNginx() throws Exception {
        Path prefix = Files.createDirectories(dir.resolve("etc-nginx"));
        Files.createDirectories(prefix.resolve("conf.d"));
        Files.copy(DEPLOY.resolve("conf.d/chorus.conf"), prefix.resolve("conf.d/chorus.conf"));
        // Debian's nginx.conf, less what needs its packaged paths: conf.d/*.conf is included in the http block.
        Path main = Files.writeString(prefix.resolve("nginx.conf"), """
                worker_processes auto;
                pid nginx.pid;
                error_log error.log warn;
                events {
                    worker_connections 768;
                }
                http {
                    sendfile on;
                    tcp_nopush on;
                    types_hash_max_size 2048;
                    default_type application/octet-stream;
                    access_log off;
                    client_body_temp_path client_body_temp;
                    proxy_temp_path proxy_temp;
                    fastcgi_temp_path fastcgi_temp;
                    uwsgi_temp_path uwsgi_temp;
                    scgi_temp_path scgi_temp;
                    gzip on;
                    include conf.d/*.conf;
                }
                """);

        Result test = nginxTest(prefix, main);

        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("syntax is ok");
    }

    private record Result(int exit, String output) {
    }

    private static Result nginxTest(Path prefix, Path config) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(nginx(), "-t", "-p", prefix.toString() + "/", "-c",
                config.toAbsolutePath().toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("nginx -t did not finish in 30 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
    }

    /** Debian puts it in /usr/sbin, which a user's PATH may not have. */
    private static String nginx() {
        Path sbin = Path.of("/usr/sbin/nginx");
        return Files.isExecutable(sbin) ? sbin.toString() : "nginx";
    }
}
