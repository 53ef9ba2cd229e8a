package dev.chorus.server.xmpp;

import static dev.chorus.server.xmpp.WebUsers.register;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.server.NodeScript;
import dev.chorus.server.config.Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** BOSH at /xmpp (XEP-0124, XEP-0206): its sessions as the specification says, and strophe.js over them. */
class XmppBoshIT {
    private static final String DOMAIN = SmackClients.DOMAIN;
    private static final String HTTPBIND = "http://jabber.org/protocol/httpbind";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SID = Pattern.compile("sid='([^']+)'");

    private static final Duration INACTIVITY = Duration.ofSeconds(5);

    @RegisterExtension
    static final OneXmppNode node = new OneXmppNode(settings -> settings.with(Keys.XMPP_BOSH_INACTIVITY,
            INACTIVITY));

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void stropheOverBoshSharesARoomWithTheWebChat() throws Exception {
        register(node.port(), "bea");
        String wesCookie = register(node.port(), "wes");

        JsonNode result = NodeScript.run(Path.of(System.getProperty("compat.node.dir")), Duration.ofSeconds(60),
                "XMPP-BOSH-RESULT ", Map.of(), "xmpp-bosh.js", JSON.writeValueAsString(Map.of(
                        "domain", DOMAIN, "http", "http://127.0.0.1:" + node.port(), "user", "bea",
                        "password", WebUsers.PASSWORD, "webCookie", wesCookie, "room", "bosh-room")));

        assertThat(result.path("error").isNull()).as("%s", result).isTrue();
        assertThat(result.path("jid").asText()).isEqualTo("bea@" + DOMAIN + "/browser");
        List<String> web = texts(result.path("webHeard"));
        List<String> bosh = texts(result.path("boshHeard"));
        assertThat(web).hasSize(3);
        assertThat(bosh).as("the same words under the same ids").containsExactlyElementsOf(web);
        assertThat(web.get(0)).endsWith(" bea: hello over BOSH");
        assertThat(web.get(1)).endsWith(" wes: hi from the web");
        assertThat(result.path("disconnected").asBoolean()).isTrue();
    }

    @Test
    void aSessionIsCreatedWithItsTermsAndItsRequestsTakenInOrderOnce() throws Exception {
        HttpResponse<String> created = post("<body xmlns='" + HTTPBIND + "' xmlns:xmpp='urn:xmpp:xbosh' rid='1000'"
                + " to='" + DOMAIN + "' wait='1' hold='1' ver='1.6' xmpp:version='1.0' xml:lang='en'/>");
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("text/xml"));
        String body = created.body();
        assertThat(body).contains("wait='1'", "hold='1'", "requests='2'", "inactivity='5'", "ver='1.11'",
                "from='" + DOMAIN + "'", "xmpp:version='1.0'", "<stream:features", "<mechanism>PLAIN</mechanism>");
        Matcher sid = SID.matcher(body);
        assertThat(sid.find()).isTrue();
        String session = sid.group(1);

        long started = System.nanoTime();
        HttpResponse<String> idle = post(request(session, 1001, ""));
        assertThat(idle.body()).as("held for its wait, then answered empty").isEqualTo("<body xmlns='" + HTTPBIND
                + "'/>");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(800),
                Duration.ofSeconds(5));

        assertThat(post(request(session, 1001, "")).body()).as("a repeated request gets the same answer")
                .isEqualTo(idle.body());
        assertThat(post(request(session, 1005, "")).body()).as("a request beyond the window")
                .contains("type='terminate'", "condition='item-not-found'");
        assertThat(post(request(session, 1002, "")).body()).as("the session is over")
                .contains("type='terminate'");
    }

    @Test
    void aRequestAheadOfAMissingOneIsAnsweredAfterItsWaitAndAnIdleSessionEnds() throws Exception {
        String session = create(2000);

        HttpResponse<String> ahead = post(request(session, 2002, ""));
        assertThat(ahead.body()).as("answered empty while 2001 is missing").isEqualTo("<body xmlns='" + HTTPBIND
                + "'/>");
        assertThat(post(request(session, 2001, "")).body()).isEqualTo("<body xmlns='" + HTTPBIND + "'/>");
        assertThat(post(request(session, 2003, "")).body()).as("the session goes on in order")
                .isEqualTo("<body xmlns='" + HTTPBIND + "'/>");

        Thread.sleep(INACTIVITY.plusSeconds(2).toMillis());
        assertThat(post(request(session, 2004, "")).body()).as("ended after its inactivity")
                .contains("type='terminate'", "condition='item-not-found'");
    }

    /**
     * A held request whose connection broke (a proxy or the node forwarding it died) is sent again: the repeat is
     * held in its place, not taken for a stranger's, and the session goes on.
     */
    @Test
    void aHeldRequestSentAgainIsHeldInItsPlace() throws Exception {
        String session = create(3000);
        String empty = "<body xmlns='" + HTTPBIND + "'/>";

        CompletableFuture<HttpResponse<String>> first = postAsync(request(session, 3001, ""));
        Thread.sleep(300);
        HttpResponse<String> again = post(request(session, 3001, ""));

        assertThat(again.body()).as("held, then answered empty after its wait").isEqualTo(empty);
        assertThat(first.get(5, TimeUnit.SECONDS).body()).as("the abandoned first answered, not left open")
                .isEqualTo(empty);
        assertThat(post(request(session, 3002, "")).body()).as("the session goes on").isEqualTo(empty);
    }

    @Test
    void aFloodOfRequestsForNoSessionLeavesTheNodeServing() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            flood.add(postAsync(request("gone-" + i, i + 1, "")));
        }
        for (var answer : flood) {
            assertThat(answer.get(10, TimeUnit.SECONDS).body())
                    .contains("condition='item-not-found'");
        }
        assertThat(create(1)).isNotBlank();
    }

    @Test
    void anOversizeBodyIsRefusedAndARapidRunOfEmptyRequestsIsServedInTurn() throws Exception {
        String session = create(3000);
        String oversize = "<message xmlns='jabber:client' to='x@" + DOMAIN + "'><body>" + "a".repeat(100_000)
                + "</body></message>";
        HttpResponse<String> refused = post(request(session, 3001, oversize));
        assertThat(refused.statusCode()).as("over xmpp-max-stanza-size: %s", refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("condition='bad-request'");

        // As a client keeps them, two at a time (requests 2): each new request answers the one held at once.
        CompletableFuture<HttpResponse<String>> held = postAsync(request(session, 3001, ""));
        long started = System.nanoTime();
        for (long rid = 3002; rid <= 3040; rid++) {
            CompletableFuture<HttpResponse<String>> next = postAsync(request(session, rid, ""));
            assertThat(held.get(5, TimeUnit.SECONDS).body()).isEqualTo("<body xmlns='" + HTTPBIND + "'/>");
            held = next;
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("none waited for its wait")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(held.get(5, TimeUnit.SECONDS).body()).as("the last one, after its wait")
                .isEqualTo("<body xmlns='" + HTTPBIND + "'/>");
        assertThat(create(1)).as("the node serves on").isNotBlank();
    }

    /** A new session, with a wait of one second. @return its sid */
    private String create(long rid) throws Exception {
        String body = post("<body xmlns='" + HTTPBIND + "' xmlns:xmpp='urn:xmpp:xbosh' rid='" + rid + "' to='"
                + DOMAIN + "' wait='1' hold='1' ver='1.6' xmpp:version='1.0'/>").body();
        Matcher sid = SID.matcher(body);
        assertThat(sid.find()).as(body).isTrue();
        return sid.group(1);
    }

    @Test
    void anUnknownSessionAndABadBodyAreAnsweredAsTheSpecificationSays() throws Exception {
        assertThat(post(request("no-such-session", 5, "")).body())
                .isEqualTo("<body xmlns='" + HTTPBIND + "' type='terminate' condition='item-not-found'/>");

        HttpResponse<String> malformed = post("<body xmlns='" + HTTPBIND + "' rid='7'><message>");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("condition='bad-request'");
        assertThat(post("<body xmlns='" + HTTPBIND + "' rid='7'><!DOCTYPE x><x/></body>").statusCode())
                .as("restricted XML").isEqualTo(400);
        assertThat(post("<body xmlns='" + HTTPBIND + "' rid='x'/>").body()).contains("condition='bad-request'");
        assertThat(post("<body xmlns='" + HTTPBIND + "' rid='8' to='elsewhere.example'/>").body())
                .contains("condition='host-unknown'");

        HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(uri())
                .header("Origin", "https://elsewhere.example")
                .POST(HttpRequest.BodyPublishers.ofString(request("x", 1, ""))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).as("a page of another origin").isEqualTo(403);
    }

    private static String request(String sid, long rid, String payload) {
        return "<body xmlns='" + HTTPBIND + "' sid='" + sid + "' rid='" + rid + "'>" + payload + "</body>";
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri()).header("Content-Type", "text/xml; charset=utf-8")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String body) {
        return http.sendAsync(HttpRequest.newBuilder(uri()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri() {
        return URI.create("http://127.0.0.1:" + node.port() + "/xmpp");
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}
