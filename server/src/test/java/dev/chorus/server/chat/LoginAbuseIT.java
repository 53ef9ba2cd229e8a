package dev.chorus.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.Node;
import dev.chorus.server.TestNodes;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessing and registration floods against two real nodes in one Redis, behind a trusted proxy (loopback)
 * whose {@code X-Forwarded-For} names each client: attempts are counted cluster-wide before they are hashed, one
 * guesser cannot lock the owner out, and a flood is answered quickly while others still log in. The limits are the
 * defaults a user runs with.
 */
class LoginAbuseIT {
    private static final String PASSWORD = "the-right-password";
    private static final Pattern FAILED = Pattern.compile("^chorus_logins_total\\{result=\"failed\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);

    @TempDir
    static Path data;
    private static RedisServer redis;
    private static final List<Node> nodes = new ArrayList<>();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startCluster() throws InterruptedException {
        redis = RedisServer.start();
        for (int i = 0; i < 2; i++) {
            nodes.add(Node.start(TestNodes.settings(data.resolve("node" + i))
                    .with(Keys.REDIS, redis.url())
                    .with(Keys.TRUSTED_PROXIES, List.of("127.0.0.1"))
                    .with(Keys.REGISTRATIONS_PER_ADDRESS, Keys.REGISTRATIONS_PER_ADDRESS.defaultValue())));
        }
    }

    @AfterAll
    static void stopCluster() {
        nodes.forEach(Node::close);
        redis.close();
    }

    @Test
    void guessesFromManyAddressesOverTwoNodesAreCountedBeforeTheyAreHashed() throws Exception {
        assertThat(register(0, "target", "198.51.100.1").statusCode()).isEqualTo(201);
        double failedBefore = failedLogins(0) + failedLogins(1);

        List<CompletableFuture<HttpResponse<String>>> guesses = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            guesses.add(post(i % 2, "/login", "target", "guess-" + i, "203.0." + (i / 100) + "." + (i % 100)));
        }
        Map<Integer, Long> statuses = statuses(guesses);

        double hashed = failedLogins(0) + failedLogins(1) - failedBefore;
        assertThat(hashed).as("wrong passwords checked over both nodes, of 200 sent at once: %s", statuses)
                .isPositive().isLessThanOrEqualTo(40);
        assertThat(statuses.get(401)).as("every checked guess is a 401").isEqualTo((long) hashed);
        assertThat(statuses.get(429) + statuses.getOrDefault(503, 0L)).as("the rest refused before a hash")
                .isEqualTo(200 - (long) hashed);
        assertThat(metrics(0) + metrics(1)).contains("chorus_refusals_total{reason=\"login-throttled\"");
    }

    @Test
    void oneGuesserCannotLockTheOwnerOut() throws Exception {
        assertThat(register(1, "owner", "198.51.100.2").statusCode()).isEqualTo(201);

        List<CompletableFuture<HttpResponse<String>>> guesses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            guesses.add(post(i % 2, "/login", "owner", "guess-" + i, "203.0.113.66"));
        }
        Map<Integer, Long> statuses = statuses(guesses);
        assertThat(statuses.get(401)).as("the guesser's tries, the rest refused: %s", statuses)
                .isEqualTo(Keys.LOGIN_FAILURES.defaultValue().longValue());
        assertThat(post(0, "/login", "owner", PASSWORD, "203.0.113.66").join().statusCode())
                .as("the guesser is refused even with the right password").isEqualTo(429);

        HttpResponse<String> owner = post(1, "/login", "owner", PASSWORD, "198.51.100.3").join();
        assertThat(owner.statusCode()).as("the owner, from elsewhere").isEqualTo(200);
        assertThat(owner.headers().firstValue("set-cookie")).isPresent();
    }

    @Test
    void aRegistrationFloodIsAnsweredQuicklyAndOthersStillLogIn() throws Exception {
        assertThat(register(0, "bystander", "198.51.100.4").statusCode()).isEqualTo(201);

        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            // Half from one address, half from as many: the throttle stops the first, the bounded hashing the rest.
            String address = i % 2 == 0 ? "192.0.2.50" : "192.0." + (3 + i / 200) + "." + (i % 200);
            flood.add(post(i % 2, "/register", "flood" + i, PASSWORD, address));
        }
        long start = System.nanoTime();
        HttpResponse<String> login = post(0, "/login", "bystander", PASSWORD, "198.51.100.5").join();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(took).as("another user's login during the flood").isLessThan(Duration.ofSeconds(5));
        Map<Integer, Long> statuses = statuses(flood);
        assertThat(statuses.keySet()).as("created, throttled or busy: %s", statuses).containsAnyOf(429)
                .allMatch(status -> status == 201 || status == 429 || status == 503);
        long fromOneAddress = 0;
        for (int i = 0; i < 300; i += 2) {
            fromOneAddress += flood.get(i).join().statusCode() == 201 ? 1 : 0;
        }
        assertThat(fromOneAddress).as("accounts made from the one address")
                .isLessThanOrEqualTo(Keys.REGISTRATIONS_PER_ADDRESS.defaultValue());
        HttpResponse<String> refused = flood.stream().map(CompletableFuture::join)
                .filter(response -> response.statusCode() != 201).findFirst().orElseThrow();
        assertThat(refused.headers().firstValue("retry-after")).as("the client is told when to come back")
                .isPresent();
    }

    @Test
    void theCookieIsSecureWhenTheTrustedProxySaysHttps() throws Exception {
        String body = "{\"username\": \"secure\", \"password\": \"" + PASSWORD + "\"}";
        HttpResponse<String> overHttps = http.send(HttpRequest.newBuilder(url(0, "/register"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", "198.51.100.8")
                .header("X-Forwarded-Proto", "https").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(overHttps.statusCode()).isEqualTo(201);
        assertThat(overHttps.headers().firstValue("set-cookie")).hasValueSatisfying(cookie ->
                assertThat(cookie).contains("; Secure"));
    }

    @Test
    void theOperationsEndpointsAreNotForClientsBehindTheProxy() throws Exception {
        for (String path : List.of("/metrics", "/cluster")) {
            HttpResponse<String> outside = http.send(HttpRequest.newBuilder(url(0, path))
                    .header("X-Forwarded-For", "127.0.0.1, 203.0.113.7").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(outside.statusCode()).as("%s for a client the proxy saw outside", path).isEqualTo(403);
            assertThat(http.send(HttpRequest.newBuilder(url(0, path)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).as("%s from the node's own machine", path).isEqualTo(200);
        }
    }

    private static Map<Integer, Long> statuses(List<CompletableFuture<HttpResponse<String>>> responses) {
        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        return responses.stream().map(CompletableFuture::join)
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    }

    private static HttpResponse<String> register(int node, String user, String address) {
        return post(node, "/register", user, PASSWORD, address).join();
    }

    private static CompletableFuture<HttpResponse<String>> post(int node, String path, String user, String password,
            String address) {
        // Plain names and passwords: nothing to escape.
        String body = "{\"username\": \"" + user + "\", \"password\": \"" + password + "\"}";
        return http.sendAsync(HttpRequest.newBuilder(url(node, path))
                .header("Content-Type", "application/json")
                .header("X-Forwarded-For", address)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double failedLogins(int node) throws Exception {
        Matcher failed = FAILED.matcher(metrics(node));
        return failed.find() ? Double.parseDouble(failed.group(1)) : 0;
    }

    private static String metrics(int node) throws Exception {
        return http.send(HttpRequest.newBuilder(url(node, "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static URI url(int node, String path) {
        return URI.create("http://127.0.0.1:" + nodes.get(node).port() + path);
    }
}
