package dev.chorus.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP answers a client gets when the server refuses a request, checked byte for byte against the reference. */
class HttpRefusalsIT {
    private static final String UNKNOWN_SID_BODY = "{\"code\":1,\"message\":\"Session ID unknown\"}";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static CompatServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws InterruptedException {
        server = CompatServer.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void answersAPollWithAnUnknownSidWith400() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/socket.io/?EIO=4&transport=polling&sid=nope"))
                .GET());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(UNKNOWN_SID_BODY);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    }

    @Test
    void answersAPostWithAnUnknownSidWith400() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/socket.io/?EIO=4&transport=polling&sid=nope"))
                .POST(HttpRequest.BodyPublishers.ofString("42[\"hello\"]")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(UNKNOWN_SID_BODY);
    }

    @Test
    void refusesAWebSocketUpgradeWithAnUnknownSid() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /socket.io/?EIO=4&transport=websocket&sid=nope HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(reply).startsWith("HTTP/1.1 400 Bad Request");
        }
    }

    @Test
    void answersAnOversizePollingPostWith413AndKeepsTheSession() throws Exception {
        String handshake = send(HttpRequest.newBuilder(uri("/small/?EIO=4&transport=polling")).GET()).body();
        assertThat(handshake).startsWith("0{\"sid\":\"").contains("\"maxPayload\":" + CompatServer.SMALL_MAX_PAYLOAD);
        String sid = handshake.substring(9, handshake.indexOf('"', 9));
        URI session = uri("/small/?EIO=4&transport=polling&sid=" + sid);

        HttpResponse<String> oversize = send(HttpRequest.newBuilder(session)
                .POST(HttpRequest.BodyPublishers.ofString("4" + "x".repeat(CompatServer.SMALL_MAX_PAYLOAD))));
        assertThat(oversize.statusCode()).isEqualTo(413);

        HttpResponse<String> connect = send(HttpRequest.newBuilder(session).POST(HttpRequest.BodyPublishers.ofString("40")));
        assertThat(connect.statusCode()).isEqualTo(200);
        assertThat(connect.body()).isEqualTo("ok");
        HttpResponse<String> poll = send(HttpRequest.newBuilder(session).GET());
        assertThat(poll.statusCode()).isEqualTo(200);
        assertThat(poll.body()).startsWith("40{\"sid\":\"");
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
