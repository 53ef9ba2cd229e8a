package dev.chorus.cluster.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server on a free loopback port with a data folder of its own, for tests. {@link #stop} and
 * {@link #start} again keep the port, to play Redis going away and coming back.
 */
public final class RedisServer implements AutoCloseable {
    private static final int FIRST_FREE_PORT = 20_000;
    private static final int FREE_PORTS = 12_000;
    /** Ports this JVM's tests were given: none twice, though the first may not be bound yet. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private final Path dir;
    private final int port;
    private final List<String> settings;
    private Process process;

    private RedisServer(Path dir, int port, List<String> settings) {
        this.dir = dir;
        this.port = port;
        this.settings = settings;
    }

    public static RedisServer start() {
        return start(List.of());
    }

    /** A server with a password: clients must send it. */
    /** Without the append-only file the tests keep (every write waits for the disk there), as the bench runs Redis. */
    public static RedisServer startInMemory() {
        return start(List.of("--appendonly", "no"));
    }

    /** A server on a given port: one a node was told to wait for. */
    public static RedisServer startOn(int port) {
        return start(port, List.of(), false);
    }

    /** A server with more settings, in redis-server's command-line form. */
    public static RedisServer startWith(String... settings) {
        return start(List.of(settings));
    }

    public static RedisServer startWithPassword(String password) {
        return start(List.of("--requirepass", password));
    }

    /** A server speaking only TLS, with a self-signed certificate made now with openssl. */
    public static RedisServer startWithTls() {
        try {
            Path dir = Files.createTempDirectory("chorus-redis-tls");
            Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
                    "-days", "1", "-subj", "/CN=localhost").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("openssl.log").toFile()).start();
            if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                throw new IllegalStateException("openssl could not make a certificate");
            }
            return start(List.of("--tls-cert-file", dir.resolve("cert.pem").toString(), "--tls-key-file",
                    dir.resolve("key.pem").toString(), "--tls-ca-cert-file", dir.resolve("cert.pem").toString(),
                    "--tls-auth-clients", "no"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static RedisServer start(List<String> settings) {
        return start(settings, false);
    }

    private static RedisServer start(List<String> settings, boolean tls) {
        try {
            return start(freePort(), settings, tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RedisServer start(int port, List<String> settings, boolean tls) {
        try {
            List<String> all = new java.util.ArrayList<>(tls
                    ? List.of("--port", "0", "--tls-port", Integer.toString(port))
                    : List.of("--port", Integer.toString(port)));
            all.addAll(settings);
            RedisServer server = new RedisServer(Files.createTempDirectory("chorus-redis"), port, List.copyOf(all));
            server.startProcess();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A port nothing listens on, below the kernel's range of ephemeral ports (32768 and up by default): a port the
     * kernel hands out could be taken, before whoever asked for it binds it, as the local end of some process's
     * outgoing connection (a node's to Redis) — as it was, with two dozen nodes starting at once.
     */
    public static int freePort() throws IOException {
        for (int tries = 0; tries < 100; tries++) {
            int port = FIRST_FREE_PORT + ThreadLocalRandom.current().nextInt(FREE_PORTS);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port)) {
                return socket.getLocalPort();
            } catch (BindException taken) {
                // Another process's: try another.
            }
        }
        throw new IOException("no free port found in " + FIRST_FREE_PORT + "-" + (FIRST_FREE_PORT + FREE_PORTS - 1));
    }

    public synchronized void startProcess() {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always"));
            command.addAll(settings);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server could not be started (is it installed?)", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        throw new IllegalStateException("redis-server did not listen on port " + port);
    }

    /** Stops the server; its append-only file keeps what was written, as a restarted production Redis would. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
            process = null;
        }
    }

    /** Empties every database, so that each test starts from nothing without a server of its own. */
    public void flushAll() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("FLUSHALL SYNC\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = socket.getInputStream().readNBytes("+OK\r\n".length());
            if (!new String(reply, StandardCharsets.US_ASCII).equals("+OK\r\n")) {
                throw new IllegalStateException("redis-server did not flush: " + new String(reply,
                        StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temp folder left behind is not worth failing a test for.
        }
    }
}
