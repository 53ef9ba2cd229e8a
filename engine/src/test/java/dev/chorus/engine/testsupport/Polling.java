package dev.chorus.engine.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A bare Engine.IO long-polling client on java.net.http, one request per call, for wire-level assertions. */
public final class Polling {
    public static final String SEPARATOR = "\u001e";
    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();
    private final TestHttpServer server;
    private final String path;

    /** @param path the endpoint's path with its trailing slash, such as {@code /engine.io/} */
    public Polling(TestHttpServer server, String path) {
        this.server = server;
        this.path = path;
    }

    public URI uri(String query) {
        return server.uri(path + "?" + query);
    }

    public URI sessionUri(String sid) {
        return uri("EIO=4&transport=polling&sid=" + sid);
    }

    public HttpRequest.Builder request(String query) {
        return HttpRequest.newBuilder(uri(query)).timeout(TIMEOUT);
    }

    /** Opens a session. @return its id */
    public String handshake() {
        HttpResponse<String> response = send(request("EIO=4&transport=polling").GET());
        if (response.statusCode() != 200 || !response.body().startsWith("0{")) {
            throw new AssertionError("handshake failed: " + response.statusCode() + " " + response.body());
        }
        return sid(response.body());
    }

    public static String sid(String openPacket) {
        Matcher m = SID.matcher(openPacket);
        if (!m.find()) {
            throw new AssertionError("no sid in " + openPacket);
        }
        return m.group(1);
    }

    public HttpResponse<String> poll(String sid) {
        return send(HttpRequest.newBuilder(sessionUri(sid)).timeout(TIMEOUT).GET());
    }

    public CompletableFuture<HttpResponse<String>> pollAsync(String sid) {
        return http.sendAsync(HttpRequest.newBuilder(sessionUri(sid)).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String sid, String body) {
        return send(HttpRequest.newBuilder(sessionUri(sid)).timeout(TIMEOUT)
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * Polls until {@code count} packets other than pings came, answering the pings (which may come at any time),
     * and returns them.
     */
    public List<String> packets(String sid, int count) {
        List<String> packets = new ArrayList<>();
        while (packets.size() < count) {
            HttpResponse<String> response = poll(sid);
            if (response.statusCode() != 200) {
                throw new AssertionError("poll answered " + response.statusCode() + " " + response.body());
            }
            for (String packet : response.body().split(SEPARATOR, -1)) {
                if (packet.equals("2")) {
                    post(sid, "3");
                } else {
                    packets.add(packet);
                }
            }
        }
        return packets;
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient http() {
        return http;
    }
}
