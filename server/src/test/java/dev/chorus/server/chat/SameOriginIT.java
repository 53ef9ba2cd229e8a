package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
import dev.chorus.server.config.Keys;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page on another port of the same host, or on a sibling subdomain, is the same site to the browser: it sends the
 * user's cookie with a WebSocket handshake or a form post. The node refuses what such pages send — a socket opened
 * as the user, a login posted as the attacker — and serves its own page, the configured front end, and clients that
 * send no {@code Origin} at all (the official Node and Java clients).
 */
class SameOriginIT {
    private static final String FRONT = "https://front.example";
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");

    @TempDir
    static Path data;
    private static Node node;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static String cookie;

    @BeforeAll
    static void start() throws Exception {
        node = Node.start(TestNodes.settings(data).with(Keys.CORS_ORIGIN, List.of(FRONT))
                .with(Keys.CORS_CREDENTIALS, true));
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(base() + "/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"victim\",\"password\":\"victim-pass\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(201);
        cookie = registered.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aHandshakeFromAForeignPageIsRefused() throws IOException {
        String handshake = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: %s\r\nCookie: " + cookie
                + "\r\n%s\r\n";
        String own = "127.0.0.1:" + node.port();

        assertThat(send(handshake.formatted(own, "Origin: http://127.0.0.1:" + (node.port() + 1) + "\r\n")))
                .as("another port of the same host").startsWith("HTTP/1.1 403").contains("\"code\":4");
        assertThat(send(handshake.formatted("chat.example.com", "Origin: https://evil.example.com\r\n")))
                .as("a sibling subdomain").startsWith("HTTP/1.1 403");
        assertThat(send(handshake.formatted(own, "Origin: null\r\n"))).as("an opaque origin")
                .startsWith("HTTP/1.1 403");

        assertThat(send(handshake.formatted(own, "Origin: http://" + own + "\r\n"))).as("the node's own page")
                .startsWith("HTTP/1.1 200").contains("\"sid\"");
        assertThat(send(handshake.formatted("chat.example.com", "Origin: https://chat.example.com\r\n")))
                .as("its own page behind a proxy on port 443").startsWith("HTTP/1.1 200");
        assertThat(send(handshake.formatted(own, "Origin: " + FRONT + "\r\n"))).as("the configured front end")
                .startsWith("HTTP/1.1 200");
        assertThat(send(handshake.formatted(own, ""))).as("no Origin: not a browser").startsWith("HTTP/1.1 200");
    }

    @Test
    void aWebSocketUpgradeFromAForeignPageIsRefused() throws IOException {
        String upgrade = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:" + node.port()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nCookie: " + cookie + "\r\nOrigin: %s\r\n\r\n";

        assertThat(send(upgrade.formatted("http://localhost:" + node.port()))).as("another host name")
                .startsWith("HTTP/1.1 403");
        assertThat(send(upgrade.formatted("http://127.0.0.1:" + node.port()))).startsWith("HTTP/1.1 101");
    }

    @Test
    void aCrossSiteLoginPostIsRefused() throws Exception {
        String login = "POST /login HTTP/1.1\r\nHost: 127.0.0.1:" + node.port() + "\r\nContent-Type: %s\r\n%s"
                + "Content-Length: %d\r\nConnection: close\r\n\r\n%s";
        String body = "{\"username\":\"victim\",\"password\":\"victim-pass\"}";

        String textPlain = send(login.formatted("text/plain", "Origin: http://127.0.0.1:" + (node.port() + 1)
                + "\r\n", body.length(), body));
        assertThat(textPlain).as("a text/plain post from another port").startsWith("HTTP/1.1 403")
                .doesNotContainIgnoringCase("set-cookie");
        assertThat(send(login.formatted("text/plain", "", body.length(), body)))
                .as("text/plain without an Origin is no JSON either").startsWith("HTTP/1.1 415")
                .doesNotContainIgnoringCase("set-cookie");
        assertThat(send(login.formatted("application/json", "Origin: http://evil.example\r\n", body.length(), body)))
                .startsWith("HTTP/1.1 403");
        assertThat(send(login.formatted("application/json; charset=utf-8", "Origin: http://127.0.0.1:"
                + node.port() + "\r\n", body.length(), body))).as("the node's own login page")
                .startsWith("HTTP/1.1 200").containsIgnoringCase("set-cookie");
        assertThat(send(login.formatted("application/json", "X-Forwarded-Proto: https\r\n", body.length(), body)))
                .as("no proxy is trusted here: its https is not believed").startsWith("HTTP/1.1 200")
                .containsIgnoringCase("set-cookie").doesNotContain("; Secure");
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("chorus_refusals_total{reason=\"foreign-origin\"");
    }

    @Test
    void theOfficialJavaClientSendsNoOriginAndConnects() throws Exception {
        OkHttpClient okHttp = new OkHttpClient();
        IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false)
                .setExtraHeaders(Map.of("Cookie", List.of(cookie))).build();
        options.callFactory = okHttp;
        options.webSocketFactory = okHttp;
        Socket socket = IO.socket(URI.create(base()), options);
        try {
            CompletableFuture<Boolean> upgraded = new CompletableFuture<>();
            socket.io().on(Manager.EVENT_TRANSPORT, args -> {
                if (args[0] instanceof io.socket.engineio.client.Transport transport
                        && "websocket".equals(transport.name)) {
                    upgraded.complete(true);
                }
            });
            CompletableFuture<Boolean> connected = new CompletableFuture<>();
            socket.once(Socket.EVENT_CONNECT, args -> connected.complete(true));
            socket.once(Socket.EVENT_CONNECT_ERROR, args -> connected.complete(false));
            socket.connect();
            assertThat(connected.get(10, TimeUnit.SECONDS)).as("polling handshake").isTrue();
            assertThat(upgraded.get(10, TimeUnit.SECONDS)).as("and the upgrade").isTrue();
        } finally {
            socket.close();
            okHttp.dispatcher().executorService().shutdown();
            okHttp.connectionPool().evictAll();
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + node.port();
    }

    /** The head, and as much body as it announces (none for a switch to WebSocket). */
    private static boolean complete(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Matcher length = CONTENT_LENGTH.matcher(answer.substring(0, end));
        int body = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return answer.getBytes(StandardCharsets.UTF_8).length >= end + 4 + body;
    }

    /** Sends a raw request (any Host, any Origin) and reads the answer's head and what body came with it. */
    private static String send(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 5000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (!complete(answer.toString(StandardCharsets.UTF_8))) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                answer.write(buffer, 0, n);
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
