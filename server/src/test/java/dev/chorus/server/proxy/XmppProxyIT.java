package dev.chorus.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.server.cluster.NodeProcess;
import dev.chorus.server.xmpp.WebUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * XMPP through the shipped configurations of {@code deploy/} on the real proxies, in front of three node processes:
 * {@code @xmpp/client} over TCP (the proxy's stream port) and WebSocket, strophe.js over WebSocket and BOSH, and a
 * web user, in one room; then the node serving the most XMPP clients is killed with SIGKILL, and its clients come
 * back through the proxy: {@code @xmpp/client} resumes its stream on another node (XEP-0198), strophe.js joins again
 * and catches up through MAM (xmpp-clients.js says how).
 */
class XmppProxyIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /**
     * How long after a kill a dead node's users surely still count as in their rooms: found dead no sooner than its
     * heartbeat's 3 s lifetime, kept the default presence grace of 10 s after that.
     */
    private static final Duration PRESENCE_KEPT = Duration.ofSeconds(13);
    private static final Pattern BOUND = Pattern.compile("(?m)^chorus_xmpp_resources(?:\\{[^}]*})?\\s+([0-9.]+)");

    @TempDir
    Path dir;
    @AutoClose
    private ProxiedCluster cluster;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"NGINX, nginx/nginx-sticky.conf", "NGINX, nginx/nginx-round-robin.conf",
            "HAPROXY, haproxy/haproxy-sticky.cfg", "HAPROXY, haproxy/haproxy-round-robin.cfg",
            "APACHE, apache/chorus-round-robin.conf"})
    void everyKindOfXmppClientSharesARoomThroughTheProxyAndOutlivesItsNode(ProxyProcess.Kind kind, String config)
            throws Exception {
        cluster = ProxiedCluster.start(dir, kind, config, "--auth", "password");
        // The web user talks to the last node straight; the proxies send their first connections to the first.
        int webNode = cluster.ports().get(2);
        Map<String, Object> script = script(kind, "kill", "http://127.0.0.1:" + webNode);
        List<Integer> bound = new ArrayList<>();
        JsonNode result = NodeScript.run("xmpp-clients.js", "XMPP-CLIENTS", script,
                Map.of("NODE_EXTRA_CA_CERTS", trustedCertificates().toString()), in -> {
                    bound.addAll(killBusiestXmppNode());
                    in.write("KILLED\n");
                }, Duration.ofSeconds(150));
        System.out.println("XMPP clients behind " + config + ": resources bound per node before the kill " + bound
                + ", back in the room after (ms) " + result.path("backAfterMs"));

        assertThat(result.path("error").isNull()).as("script error: %s; clients: %s", result.path("error"),
                result.path("state")).isTrue();
        assertThat(result.path("sameOrder").asBoolean()).as("one order, one id per message, everywhere: %s",
                result.path("orders")).isTrue();
        assertThat(result.path("orders").path("wendy")).hasSize(15);
        assertThat(strings(result.path("roomHistory"))).as("the web's history holds the XMPP users' words")
                .containsAll(strings(result.path("orders").path("wendy")));
        JsonNode direct = result.path("direct");
        assertThat(direct.path("atWendy").path("from").asText()).isEqualTo("tess");
        assertThat(direct.path("atWendy").path("text").asText()).isEqualTo("hello from XMPP");
        assertThat(direct.path("atTess").path("from").asText()).isEqualTo("wendy");
        assertThat(direct.path("atTess").path("id").asText()).as("one id on both faces")
                .isEqualTo(direct.path("replyId").asText());
        assertThat(strings(direct.path("history"))).containsExactly(
                direct.path("atWendy").path("id").asText() + " tess: hello from XMPP",
                direct.path("replyId").asText() + " wendy: hello from the web");

        assertThat(result.path("dropped")).as("the killed node served XMPP clients").isNotEmpty();
        assertThat(result.path("sameOrderAfterKill").asBoolean())
                .as("nothing lost, nothing twice, one order: %s", result.path("afterKill")).isTrue();
        assertThat(result.path("afterKill").path("wendy")).as("15 before, 2 last words, 10 while away: %s",
                result.path("afterKill").path("wendy")).hasSize(27);
        result.path("heard").forEach(heard -> assertThat(heard.asInt()).as("every client heard 27").isEqualTo(27));
        assertThat(result.path("duplicates").asInt()).isZero();
        for (JsonNode gone : result.path("dropped")) {
            JsonNode back = result.path("backAfterMs").path(gone.asText());
            if (back.path("ms").asLong() < PRESENCE_KEPT.toMillis()) {
                assertThat(strings(result.path("presence").path("wendy")))
                        .as("to the web user %s never left: back within the presence grace", gone)
                        .doesNotContain(gone.asText() + " offline");
            }
            if (back.path("kind").asText().startsWith("@xmpp/client")) {
                assertThat(back.path("resumed").asBoolean()).as("%s resumed its stream on another node", gone)
                        .isTrue();
            }
        }
    }

    /**
     * A rolling restart under the same clients (the web user through the proxy too): each node stopped with SIGTERM
     * and started again in turn while the web user talks. The stopping node hands its XMPP sessions over:
     * {@code @xmpp/client} resumes its stream on another node each time, strophe.js is told {@code system-shutdown},
     * joins again and catches up through MAM, the web user recovers its socket; everyone hears everything said,
     * once, and those who never joined again in the room's order.
     */
    @Test
    void xmppClientsOutliveARollingRestartBehindHaproxy() throws Exception {
        cluster = ProxiedCluster.start(dir, ProxyProcess.Kind.HAPROXY, "haproxy/haproxy-round-robin.cfg", "--auth",
                "password");
        Map<String, Object> script = script(ProxyProcess.Kind.HAPROXY, "rolling", cluster.proxy().url());
        JsonNode result = NodeScript.run("xmpp-clients.js", "XMPP-CLIENTS", script,
                Map.of("NODE_EXTRA_CA_CERTS", trustedCertificates().toString()), in -> {
                    for (int i = 0; i < cluster.nodes().size(); i++) {
                        restart(i);
                    }
                    in.write("RESTARTED\n");
                }, Duration.ofSeconds(150));
        System.out.println("XMPP clients through a rolling restart behind HAProxy: " + result.path("rolling"));

        assertThat(result.path("error").isNull()).as("script error: %s", result.path("error")).isTrue();
        JsonNode rolling = result.path("rolling");
        assertThat(rolling.path("said").asInt()).as("the web user talked through the restarts").isGreaterThan(10);
        assertThat(rolling.path("inOrder").asBoolean()).as("in the room's order: %s", result).isTrue();
        assertThat(result.path("duplicates").asInt()).isZero();
        for (String client : List.of("tess", "will")) {
            assertThat(rolling.path("drops").path(client).asInt()).as("%s's node stopped under it", client)
                    .isPositive();
            assertThat(rolling.path("resumed").path(client).asInt()).as("%s resumed its stream each time", client)
                    .isEqualTo(rolling.path("drops").path(client).asInt());
        }
        assertThat(strings(rolling.path("heardLive"))).as("who resumed never joined again").contains("tess", "will",
                "wendy");
        assertThat(rolling.path("webRecoveries").asInt()).as("the web user's socket recovered").isPositive();
    }

    /**
     * converse.js, the node's own XMPP web client, over BOSH through nginx (round robin) with a web chat user: the
     * node serving converse is killed with SIGKILL; converse finds out, reconnects to another node through the proxy,
     * is back in the room, and shows what the web user said meanwhile, once; what it says then reaches the web user.
     */
    @Test
    void converseOutlivesTheKillOfItsNodeBehindNginx() throws Exception {
        cluster = ProxiedCluster.start(dir, ProxyProcess.Kind.NGINX, "nginx/nginx-round-robin.conf", "--auth",
                "password");
        WebUsers.register(cluster.ports().get(0), "cora");
        WebUsers.register(cluster.ports().get(0), "wren");
        Path screenshots = Path.of("target", "screenshots", "xmpp-client");
        List<Integer> bound = new ArrayList<>();
        JsonNode result = NodeScript.run(Path.of(System.getProperty("web.browser.dir")), "xmpp-client.js",
                "XMPP-CLIENT", Map.of("base", cluster.proxy().url(), "domain", ProxiedCluster.DOMAIN, "user", "cora",
                        "password", WebUsers.PASSWORD, "webUser", "wren", "webPassword", WebUsers.PASSWORD,
                        "room", "converse-failover", "screenshots", screenshots.toAbsolutePath().toString(),
                        "kill", true), Map.of(), in -> {
                            bound.addAll(killXmppNode(cluster.nodes()));
                            in.write("KILLED\n");
                        }, Duration.ofSeconds(120));
        System.out.println("converse behind nginx: resources bound per node before the kill " + bound
                + ", back after (ms) " + result.path("backAfterMs"));

        assertThat(bound).as("converse's one resource").containsExactlyInAnyOrder(1, 0, 0);
        assertThat(strings(result.path("messagesShown")).stream().filter("said while converse was away"::equals))
                .as("the message said while converse was away, shown once").hasSize(1);
        assertThat(screenshots.resolve("converse-after-kill.png")).isRegularFile();
    }

    /** Node {@code i} stopped (SIGTERM: it drains, hands over, leaves) and started again, ready behind the proxy. */
    private void restart(int i) {
        try {
            NodeProcess node = cluster.nodes().get(i);
            node.terminate(Duration.ofSeconds(60));
            cluster.nodes().set(i, node.restart());
            // The proxy's health checks find it back (HAProxy checks every second).
            Thread.sleep(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The users made, and the script's configuration: the web user talks to {@code webUrl}. */
    private Map<String, Object> script(ProxyProcess.Kind kind, String scenario, String webUrl) throws Exception {
        int node = cluster.ports().get(2);
        for (String user : List.of("tess", "will", "stella", "bella")) {
            WebUsers.register(node, user);
        }
        String wendysCookie = WebUsers.register(node, "wendy");
        Map<String, Object> proxy = new HashMap<>();
        proxy.put("http", cluster.proxy().url());
        proxy.put("xmpp", kind == ProxyProcess.Kind.APACHE ? null : cluster.proxy().xmppPort());
        return new HashMap<>(Map.of("scenario", scenario, "domain", ProxiedCluster.DOMAIN, "password",
                WebUsers.PASSWORD, "webCookie", wendysCookie, "webUrl", webUrl, "proxy", proxy));
    }

    /** The nodes' certificates in one file, for the script's clients to trust. */
    private Path trustedCertificates() throws IOException {
        Path certificates = dir.resolve("certificates.pem");
        StringBuilder pem = new StringBuilder();
        for (Path certificate : cluster.certificates()) {
            pem.append(Files.readString(certificate));
        }
        Files.writeString(certificates, pem);
        return certificates;
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(item -> strings.add(item.asText()));
        return strings;
    }

    /** The node (but the web user's) with the most XMPP resources bound, killed. @return what each node had */
    private List<Integer> killBusiestXmppNode() throws IOException {
        return killXmppNode(cluster.nodes().subList(0, 2));
    }

    /** The node of {@code among} with the most XMPP resources bound, killed. @return what each node had */
    private List<Integer> killXmppNode(List<NodeProcess> among) throws IOException {
        List<Integer> bound = new ArrayList<>();
        for (NodeProcess node : cluster.nodes()) {
            bound.add(boundResources(node.port()));
        }
        NodeProcess victim = among.stream()
                .max(Comparator.comparingInt(node -> bound.get(cluster.nodes().indexOf(node)))).orElseThrow();
        try {
            victim.kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return bound;
    }

    private static int boundResources(int port) throws IOException {
        try {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher value = BOUND.matcher(metrics);
            assertThat(value.find()).as("chorus_xmpp_resources on port %s", port).isTrue();
            return (int) Double.parseDouble(value.group(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
