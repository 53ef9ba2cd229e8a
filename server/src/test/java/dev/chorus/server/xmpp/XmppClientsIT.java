package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.register;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.server.Node;
import dev.chorus.server.NodeScript;
import dev.chorus.server.cluster.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The XMPP clients of Node applications — @xmpp/client over TCP and WebSocket, strophe.js over WebSocket — with the
 * official Socket.IO client in one room of two nodes, through proxies; then the node of two of them is killed with
 * SIGKILL (xmpp-clients.js says how).
 */
class XmppClientsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOMAIN = SmackClients.DOMAIN;
    private static final String RESULT_PREFIX = "XMPP-CLIENTS-RESULT ";

    @TempDir
    Path data;

    @Test
    void nodeXmppClientsAndAWebUserShareARoomAndSurviveTheirNode() throws Exception {
        try (SurvivorAndVictim nodes = SurvivorAndVictim.start(data)) {
            Node survivor = nodes.survivor();
            NodeProcess victim = nodes.victim();
            for (String user : List.of("tess", "will", "stella")) {
                register(survivor.port(), user);
            }
            String wendysCookie = register(survivor.port(), "wendy");
            Path certificates = data.resolve("certificates.pem");
            Files.writeString(certificates, Files.readString(nodes.survivorCertificate())
                    + Files.readString(nodes.victimCertificate()));

            JsonNode result = NodeScript.run(Path.of(System.getProperty("compat.node.dir")),
                    Duration.ofSeconds(150), RESULT_PREFIX, Map.of("NODE_EXTRA_CA_CERTS", certificates.toString()),
                    "xmpp-clients.js", JSON.writeValueAsString(Map.of(
                            "domain", DOMAIN,
                            "xmppBackends", List.of(nodes.victimXmppPort(), survivor.xmppPort()),
                            "httpBackends", List.of(victim.port(), survivor.port()),
                            "victimPid", victim.pid(),
                            "password", WebUsers.PASSWORD,
                            "webCookie", wendysCookie)));
            System.out.println("XMPP clients: " + result);

            assertThat(result.path("error").isNull()).as("script error: %s", result.path("error")).isTrue();
            assertThat(result.path("sameOrder").asBoolean()).as("one order, one id per message, everywhere: %s",
                    result.path("orders")).isTrue();
            assertThat(result.path("orders").path("wendy")).hasSize(12);
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

            assertThat(victim.isAlive()).isFalse();
            assertThat(result.path("sameOrderAfterKill").asBoolean())
                    .as("nothing lost, nothing twice, one order: %s", result.path("afterKill")).isTrue();
            assertThat(result.path("afterKill").path("tess")).hasSize(22);
            assertThat(result.path("duplicates").asInt()).isZero();
            assertThat(strings(result.path("presenceAtStella"))).as("XMPP occupants see them go and come back")
                    .contains("tess unavailable", "will unavailable", "tess available", "will available");
            assertThat(strings(result.path("presenceAtWendy"))).as("so does the web user")
                    .contains("tess offline", "will offline", "tess online", "will online");
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(item -> strings.add(item.asText()));
        return strings;
    }
}
