package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.register;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.server.NodeScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's XMPP web client: converse.js at {@code /xmpp-client/}, taken from npm by the build, with its page's
 * settings and policy; in headless Chromium over BOSH ({@code xmpp-client.js}) it talks in a room with a web chat
 * user in a second page.
 */
class XmppConverseIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final OneXmppNode node = new OneXmppNode();

    @Test
    void thePageIsServedWithItsSettingsAndNothingFromElsewhere() throws Exception {
        HttpResponse<String> page = get("/xmpp-client/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"/xmpp-client/dist/converse.min.js\">");
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(policy -> assertThat(
                policy).contains("default-src 'self'", "connect-src 'self'").doesNotContain("http", "*"));
        assertThat(get("/xmpp-client/dist/converse.min.js").headers().firstValue("content-type"))
                .hasValue("text/javascript; charset=utf-8");
        JsonNode settings = JSON.readTree(get("/xmpp-client/settings.json").body());
        assertThat(settings.path("domain").asText()).isEqualTo(SmackClients.DOMAIN);
        assertThat(settings.path("bosh").asText()).isEqualTo("/xmpp");
        assertThat(settings.path("websocket").asText()).isEqualTo("/xmpp-websocket");
        assertThat(get("/").body()).as("linked from the web chat's login").contains("href=\"/xmpp-client/\"");
    }

    @Test
    void converseOverBoshTalksWithAWebChatUserInARoom() throws Exception {
        register(node.port(), "cora");
        register(node.port(), "wren");
        Path screenshots = Path.of("target", "screenshots", "xmpp-client");
        JsonNode result = NodeScript.run(Path.of(System.getProperty("web.browser.dir")), Duration.ofSeconds(120),
                "XMPP-CLIENT-RESULT ", Map.of(), "xmpp-client.js", JSON.writeValueAsString(Map.of(
                        "base", "http://127.0.0.1:" + node.port(), "domain", SmackClients.DOMAIN,
                        "user", "cora", "password", WebUsers.PASSWORD, "webUser", "wren",
                        "webPassword", WebUsers.PASSWORD, "room", "converse-room",
                        "screenshots", screenshots.toAbsolutePath().toString())));

        assertThat(result.path("transport").asText()).isEqualTo("bosh");
        assertThat(screenshots.resolve("converse.png")).isRegularFile();
        assertThat(Files.size(screenshots.resolve("converse.png"))).isPositive();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
