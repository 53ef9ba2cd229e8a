package dev.chorus.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.server.config.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An XMPP stream is quiet for up to {@code xmpp-ping-interval}, and its ping's answer may take as long again: a
 * proxy that gives a WebSocket at {@code /xmpp-websocket} or a TCP stream less would cut idle clients off.
 */
class ShippedXmppTimeoutsTest {
    private static final Path DEPLOY = Path.of(System.getProperty("chorus.root", "..")).resolve("deploy");
    /** nginx's read timeout where XMPP WebSockets go, and its stream's; HAProxy's tunnel timeout; Apache's. */
    private static final Pattern ANYWHERE = Pattern.compile(
            "location (?:= /xmpp-websocket|@any_node_xmpp) \\{[^}]*?proxy_read_timeout (\\d+[smh]);"
                    + "|proxy_timeout (\\d+[smh]);|timeout tunnel (\\d+[smh])|ProxySet timeout=(\\d+)");
    /** HAProxy's timeouts of the XMPP TCP frontend and backend, which come after the HTTP ones. */
    private static final Pattern TCP_SIDE = Pattern.compile("timeout (?:client|server) (\\d+[smh])");

    @ParameterizedTest
    @CsvSource({"nginx/nginx-round-robin.conf, 2", "nginx/nginx-sticky.conf, 3", "nginx/conf.d/chorus.conf, 1",
            "haproxy/haproxy-round-robin.cfg, 3", "haproxy/haproxy-sticky.cfg, 3",
            "apache/chorus-round-robin.conf, 1", "apache/chorus-sticky.conf, 1"})
    void xmppStreamsOutliveTheirPings(String config, int expected) throws IOException {
        String text = Files.readString(DEPLOY.resolve(config));
        int tcpSide = text.indexOf("frontend xmpp_in");
        List<Duration> timeouts = Stream.concat(ANYWHERE.matcher(text).results(),
                tcpSide < 0 ? Stream.empty() : TCP_SIDE.matcher(text.substring(tcpSide)).results())
                .map(found -> {
                    for (int group = 1; group <= found.groupCount(); group++) {
                        if (found.group(group) != null) {
                            return duration(found.group(group));
                        }
                    }
                    throw new AssertionError(found.group());
                }).toList();

        assertThat(timeouts).as("the XMPP timeouts of %s", config).hasSize(expected)
                .allSatisfy(timeout -> assertThat(timeout)
                        .isGreaterThan(Keys.XMPP_PING_INTERVAL.defaultValue().multipliedBy(2)));
    }

    private static Duration duration(String text) {
        char unit = text.charAt(text.length() - 1);
        if (Character.isDigit(unit)) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (unit) {
            case 'h' -> Duration.ofHours(amount);
            case 'm' -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
    }
}
