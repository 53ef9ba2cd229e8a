package dev.chorus.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.server.config.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A proxy must drop an idle connection to a node before the node's {@code idle-timeout} does: the other way round,
 * the proxy can send a request on a connection the node is closing, and a POST so lost cannot be sent again.
 */
class ShippedKeepAliveTest {
    private static final Path DEPLOY = Path.of(System.getProperty("chorus.root", "..")).resolve("deploy");
    /** nginx's {@code keepalive_timeout} in an upstream, Apache's {@code ttl} of a balancer member. */
    private static final Pattern KEEP = Pattern.compile("keepalive_timeout\\s+(\\d+)s;|ttl=(\\d+)");

    @ParameterizedTest
    @ValueSource(strings = {"nginx/nginx-round-robin.conf", "nginx/nginx-sticky.conf", "nginx/conf.d/chorus.conf",
            "apache/chorus-round-robin.conf", "apache/chorus-sticky.conf"})
    void everyIdleConnectionToANodeIsDroppedByTheProxyFirst(String config) throws IOException {
        Matcher keep = KEEP.matcher(Files.readString(DEPLOY.resolve(config)));
        List<Long> seconds = keep.results()
                .map(found -> Long.parseLong(found.group(1) != null ? found.group(1) : found.group(2))).toList();

        assertThat(seconds).as("the proxy's idle limit for connections to the nodes").isNotEmpty()
                .allSatisfy(limit -> assertThat(limit).isLessThan(Keys.IDLE_TIMEOUT.defaultValue().toSeconds()));
    }
}
