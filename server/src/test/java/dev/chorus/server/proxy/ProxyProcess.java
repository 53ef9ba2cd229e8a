package dev.chorus.server.proxy;

import dev.chorus.cluster.testsupport.RedisServer;
import dev.chorus.server.cluster.NodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real nginx, HAProxy or Apache httpd running one of the configurations shipped in {@code deploy/}, as shipped
 * but for its ports: the proxy's 8080 and 5222 (XMPP), the nodes' 8081–8083 and 5223–5225 (their XMPP ports) become
 * free ports of the test.
 */
final class ProxyProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    enum Kind {
        NGINX, HAPROXY, APACHE
    }

    private final Process process;
    private final int port;
    private final int xmppPort;
    private final Path dir;

    private ProxyProcess(Process process, int port, int xmppPort, Path dir) {
        this.process = process;
        this.port = port;
        this.xmppPort = xmppPort;
        this.dir = dir;
    }

    /**
     * @param config    a file under {@code deploy/}, e.g. {@code haproxy/haproxy-sticky.cfg}
     * @param nodePorts the ports standing in for 8081, 8082, 8083
     * @param nodeXmppPorts the ports standing in for 5223, 5224, 5225
     */
    static ProxyProcess start(Kind kind, String config, List<Integer> nodePorts, List<Integer> nodeXmppPorts,
            Path dir) throws IOException, InterruptedException {
        Path shipped = Path.of(System.getProperty("chorus.root", "..")).resolve("deploy").resolve(config);
        int port = RedisServer.freePort();
        int xmppPort = RedisServer.freePort();
        String text = Files.readString(shipped).replaceAll("\\b8080\\b", Integer.toString(port))
                .replaceAll("\\b5222\\b", Integer.toString(xmppPort));
        for (int i = 0; i < 3; i++) {
            text = text.replaceAll("\\b" + (8081 + i) + "\\b", Integer.toString(nodePorts.get(i)))
                    .replaceAll("\\b" + (5223 + i) + "\\b", Integer.toString(nodeXmppPorts.get(i)));
        }
        // The proxy's prefix as a user would give it: a folder, empty; what the proxy needs under it is its own to make.
        Files.createDirectories(dir);
        Path rendered = dir.resolve(shipped.getFileName());
        Files.writeString(rendered, text);
        List<String> command = switch (kind) {
            case NGINX -> List.of(binary("nginx"), "-p", dir.toString(), "-c", rendered.toString(), "-g",
                    "daemon off;");
            case HAPROXY -> List.of(binary("haproxy"), "-db", "-f", rendered.toString());
            case APACHE -> List.of(binary("apache2"), "-d", dir.toString(), "-f", rendered.toString(),
                    "-DFOREGROUND");
        };
        if (kind == Kind.APACHE) {
            // Apache drops to www-data when started as root: its files must be reachable for that user.
            dir.toFile().setWritable(true, false);
            dir.toFile().setExecutable(true, false);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("proxy.log").toFile()).start();
        ProxyProcess proxy = new ProxyProcess(process, port, xmppPort, dir);
        proxy.awaitServing(Duration.ofSeconds(20));
        return proxy;
    }

    /** Debian puts the servers in /usr/sbin, which a user's PATH may not have. */
    private static String binary(String name) {
        Path sbin = Path.of("/usr/sbin", name);
        return Files.isExecutable(sbin) ? sbin.toString() : name;
    }

    private void awaitServing(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("proxy exited:\n" + log());
            }
            try {
                HttpResponse<Void> health = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("proxy not serving in " + timeout + ":\n" + log());
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Where XMPP clients connect over TCP, through the proxy (nginx and HAProxy only). */
    int xmppPort() {
        return xmppPort;
    }

    String log() {
        try {
            Path error = dir.resolve("error.log");
            return Files.readString(dir.resolve("proxy.log")) + (Files.exists(error) ? Files.readString(error) : "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        NodeProcess.stop(process);
    }
}
