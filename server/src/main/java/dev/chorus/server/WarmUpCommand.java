package dev.chorus.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.server.config.ConfigFile;
import dev.chorus.server.config.Configuration;
import dev.chorus.server.config.Keys;
import dev.chorus.server.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code chorus warm-up}, for the launcher: starts a node in this process (embedded stores in a temporary folder,
 * loopback, an ephemeral port), and does once what clients do — the web page, a login, a socket over polling and
 * one over WebSocket, a join, a message — then stops it. Run with {@code -XX:ArchiveClassesAtExit}, it leaves the
 * classes a node loads to start and serve in a class data sharing archive, which later starts map instead of
 * loading and verifying each class again.
 */
@Command(name = "warm-up", hidden = true, description = "Start and exercise a node once, for the launcher's class archive.")
final class WarmUpCommand implements Callable<Integer> {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        Path data = Files.createTempDirectory("chorus-warm-up");
        try {
            Configuration config = Configuration.resolve(Keys.ALL, Map.of("host", "127.0.0.1", "port", "0",
                    "data", data.toString(), "auth", "guest", "log-level", "warn"), Map.of(), ConfigFile.none());
            Logging.apply(config.get(Keys.LOG_LEVEL), config.get(Keys.LOG_FORMAT));
            try (Node node = Node.start(Settings.from(config))) {
                exercise(node.port());
            }
            return 0;
        } finally {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void exercise(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        String base = "http://127.0.0.1:" + port;
        http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"warm-up\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        polling(http, base, cookie);
        webSocket(http, port, cookie);
    }

    private static void polling(HttpClient http, String base, String cookie) throws IOException, InterruptedException {
        String open = get(http, base + "/socket.io/?EIO=4&transport=polling", cookie);
        String sid = JSON.readTree(open.substring(1)).path("sid").asText();
        String session = base + "/socket.io/?EIO=4&transport=polling&sid=" + sid;
        post(http, session, cookie, "40");
        get(http, session, cookie);
        post(http, session, cookie, "421[\"join\",{\"room\":\"warm-up\"}]\u001e422[\"message\",{\"room\":\"warm-up\","
                + "\"text\":\"warm-up\"}]\u001e423[\"history\",{\"room\":\"warm-up\"}]");
        long until = System.nanoTime() + TIMEOUT.toNanos();
        StringBuilder got = new StringBuilder();
        while (!got.toString().contains("433[") && System.nanoTime() < until) {
            got.append(get(http, session, cookie));
        }
        post(http, session, cookie, "1");
    }

    private static void webSocket(HttpClient http, int port, String cookie) throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().header("Cookie", cookie)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                                frames.add(data.toString());
                                socket.request(1);
                                return null;
                            }
                        })
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        ws.sendText("40", true).join();
        awaitFrame(frames, "40");
        ws.sendText("421[\"join\",{\"room\":\"warm-up\"}]", true).join();
        ws.sendText("422[\"message\",{\"room\":\"warm-up\",\"text\":\"warm-up\"}]", true).join();
        awaitFrame(frames, "432[");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    private static void awaitFrame(BlockingQueue<String> frames, String prefix) throws InterruptedException {
        long until = System.nanoTime() + TIMEOUT.toNanos();
        for (String frame = ""; !frame.startsWith(prefix) && System.nanoTime() < until; ) {
            String next = frames.poll(100, TimeUnit.MILLISECONDS);
            frame = next == null ? "" : next;
        }
    }

    private static String get(HttpClient http, String uri, String cookie) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).header("Cookie", cookie).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void post(HttpClient http, String uri, String cookie, String body)
            throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(URI.create(uri)).header("Cookie", cookie)
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.discarding());
    }
}
