package dev.chorus.server.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The chat's HTTP API as a test calls it: JSON in, status, JSON and the session cookie out. */
final class AuthApi {
    static final String COOKIE = "jsessionid";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer; {@code setCookie} is the raw Set-Cookie header or null, {@code session} the id it sets. */
    record Reply(int status, JsonNode body, String setCookie) {
        String session() {
            if (setCookie == null) {
                return null;
            }
            String pair = setCookie.split(";", 2)[0];
            return pair.startsWith(COOKIE + "=") ? pair.substring(COOKIE.length() + 1) : null;
        }
    }

    private final HttpClient http;
    private final int port;

    AuthApi(HttpClient http, int port) {
        this.http = http;
        this.port = port;
    }

    Reply register(String username, String password) throws IOException, InterruptedException {
        return post("/register", Map.of("username", username, "password", password), null);
    }

    Reply login(String username, String password, String session) throws IOException, InterruptedException {
        return post("/login", Map.of("username", username, "password", password), session);
    }

    Reply guestLogin(String username) throws IOException, InterruptedException {
        return post("/login", Map.of("username", username), null);
    }

    Reply logout(String session) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri("/logout")).POST(HttpRequest.BodyPublishers.noBody()), session);
    }

    Reply me(String session) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri("/me")).GET(), session);
    }

    /** A GET of a JSON resource. */
    Reply get(String path, String session) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET(), session);
    }

    Reply post(String path, Map<String, String> body, String session)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), session);
    }

    private Reply send(HttpRequest.Builder request, String session) throws IOException, InterruptedException {
        if (session != null) {
            request.header("Cookie", COOKIE + "=" + session);
        }
        HttpResponse<String> response = http.send(request.timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        // A clustered node also sets its route cookie: the session's is the one named jsessionid.
        return new Reply(response.statusCode(), JSON.readTree(response.body()),
                response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(COOKIE + "="))
                        .findFirst().orElse(null));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
