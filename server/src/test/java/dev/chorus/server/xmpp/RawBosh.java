package dev.chorus.server.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BOSH client in plain HTTP requests, for what a library would hide: which node each request goes to (by the
 * request's number), and the exact answers.
 */
final class RawBosh {
    static final String HTTPBIND = "http://jabber.org/protocol/httpbind";
    private static final Pattern SID = Pattern.compile("sid='([^']+)'");

    private final HttpClient http = HttpClient.newHttpClient();
    private final IntFunction<Integer> ports;
    private long rid;
    private int sent;
    private String sid;
    /** What the last answer's Set-Cookie headers said. */
    private List<String> cookies = List.of();

    /** @param ports the port of the node the n-th request goes to */
    RawBosh(IntFunction<Integer> ports, long firstRid) {
        this.ports = ports;
        this.rid = firstRid;
    }

    /** Creates the session (wait one second) and logs in with PLAIN, binding {@code resource}. */
    String login(String user, String password, String resource) throws Exception {
        String created = send("<body xmlns='" + HTTPBIND + "' xmlns:xmpp='urn:xmpp:xbosh' rid='" + rid
                + "' to='" + SmackClients.DOMAIN + "' wait='1' hold='1' ver='1.6' xmpp:version='1.0'/>");
        Matcher found = SID.matcher(created);
        assertThat(found.find()).as(created).isTrue();
        sid = found.group(1);
        String auth = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password)
                .getBytes(StandardCharsets.UTF_8));
        assertThat(request("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + auth
                + "</auth>")).contains("<success");
        assertThat(send("<body xmlns='" + HTTPBIND + "' xmlns:xmpp='urn:xmpp:xbosh' sid='" + sid + "' rid='" + rid
                + "' to='" + SmackClients.DOMAIN + "' xmpp:restart='true'/>")).contains("urn:ietf:params:xml:ns:xmpp-bind");
        String bound = request("<iq xmlns='jabber:client' type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>"
                + resource + "</resource></bind></iq>");
        assertThat(bound).contains("<jid>" + user + "@" + SmackClients.DOMAIN + "/" + resource + "</jid>");
        return sid;
    }

    /** One request of the session carrying {@code payload}. @return its answer */
    String request(String payload) throws Exception {
        return send("<body xmlns='" + HTTPBIND + "' sid='" + sid + "' rid='" + rid + "'>" + payload + "</body>");
    }

    /** Empty requests until an answer contains {@code text}, for at most {@code within}. @return that answer */
    String awaitAnswer(String text, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            String answer = request("");
            if (answer.contains(text)) {
                return answer;
            }
        }
        throw new AssertionError("no answer with " + text + " in " + within);
    }

    List<String> cookies() {
        return cookies;
    }

    private String send(String body) throws Exception {
        int port = ports.apply(sent++);
        rid++;
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/xmpp")).header("Content-Type", "text/xml; charset=utf-8").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        cookies = answer.headers().allValues("set-cookie");
        return answer.body();
    }
}
