package dev.chorus.server.warmup;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What clients do to a node, done to one over loopback: the web page, logins, a socket over polling, then rounds of
 * sockets over WebSocket that join rooms and talk in them, each message acknowledged and delivered to the room, and
 * lose their connections and come back with their sessions, as the clients of a node that died come back to another
 * (their sessions, rooms and missed messages restored: the path a reconnect storm takes).
 */
public final class Exercise {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Sockets of a round, the rooms they share, and the messages each says. */
    private static final int CLIENTS = 100;
    private static final int ROOMS = 20;
    private static final int MESSAGES_EACH = 20;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final int port;
    private final String base;
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger recovered = new AtomicInteger();
    private int connections;
    private int messages;

    public Exercise(int port) {
        this.port = port;
        this.base = "http://127.0.0.1:" + port;
    }

    /** Every kind of request once: the web page, a login, a socket over polling. */
    public void once() throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(URI.create(base + "/")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.discarding());
        polling(login("warm-up").join());
    }

    /** Rounds of chat until {@code budget} has passed, one at least, {@code betweenRounds} run after each. */
    public void rounds(Duration budget, Runnable betweenRounds) throws Exception {
        long until = System.nanoTime() + budget.toNanos();
        int round = 0;
        do {
            round(round++).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            betweenRounds.run();
        } while (System.nanoTime() < until);
    }

    public int connections() {
        return connections;
    }

    public int messages() {
        return messages;
    }

    public int delivered() {
        return delivered.get();
    }

    /** How many sockets came back on a new connection with their sessions. */
    public int recovered() {
        return recovered.get();
    }

    /**
     * Sockets log in, connect, join their rooms, each says its messages in turn, loses its connection and comes back
     * with its session, and they go.
     */
    private CompletableFuture<Void> round(int round) {
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            String room = "\"warm-up-" + (i % ROOMS) + "\"";
            clients.add(login("warm-up-" + round + "-" + i).thenCompose(cookie ->
                    WarmUpClient.connect(http, port, cookie, delivered)
                            .thenCompose(client -> client.emit("join", "{\"room\":" + room + "}")
                                    .thenCompose(joined -> talk(client, room, MESSAGES_EACH))
                                    .thenCompose(said -> comeBack(client, cookie)))
                            .thenCompose(WarmUpClient::close)));
        }
        connections += CLIENTS;
        messages += CLIENTS * MESSAGES_EACH;
        return CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new));
    }

    /** @return the client on its new connection; itself when it heard nothing it could come back from */
    private CompletableFuture<WarmUpClient> comeBack(WarmUpClient client, String cookie) {
        if (!client.canResume()) {
            return CompletableFuture.completedFuture(client);
        }
        client.drop();
        return client.resume(http, port, cookie).thenApply(back -> {
            if (back.resumed()) {
                recovered.incrementAndGet();
            }
            return back;
        });
    }

    private static CompletableFuture<String> talk(WarmUpClient client, String room, int left) {
        if (left == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return client.emit("message", "{\"room\":" + room + ",\"text\":\"warming up " + left + "\"}")
                .thenCompose(ack -> talk(client, room, left - 1));
    }

    /** A guest login. @return its session cookie */
    private CompletableFuture<String> login(String name) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/login")).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> response.headers().firstValue("set-cookie")
                        .orElseThrow(() -> new IllegalStateException("login refused: " + response.statusCode()))
                        .split(";")[0]);
    }

    private void polling(String cookie) throws IOException, InterruptedException {
        String open = get(base + "/socket.io/?EIO=4&transport=polling", cookie);
        String sid = JSON.readTree(open.substring(1)).path("sid").asText();
        String session = base + "/socket.io/?EIO=4&transport=polling&sid=" + sid;
        post(session, cookie, "40");
        get(session, cookie);
        post(session, cookie, "421[\"join\",{\"room\":\"warm-up\"}]\u001e422[\"message\",{\"room\":\"warm-up\","
                + "\"text\":\"warm-up\"}]\u001e423[\"history\",{\"room\":\"warm-up\"}]");
        long until = System.nanoTime() + TIMEOUT.toNanos();
        StringBuilder got = new StringBuilder();
        while (!got.toString().contains("433[") && System.nanoTime() < until) {
            got.append(get(session, cookie));
        }
        post(session, cookie, "1");
    }

    private String get(String uri, String cookie) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).header("Cookie", cookie).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private void post(String uri, String cookie, String body) throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(URI.create(uri)).header("Cookie", cookie)
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.discarding());
    }
}
