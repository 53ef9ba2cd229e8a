package dev.chorus.server;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chorus conformance}: the server the official protocol test suites run against. */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = "Run the server the official Engine.IO and Socket.IO protocol test suites expect "
                + "(echo on /engine.io/, namespaces / and /custom on /socket.io/, pingInterval 300 ms, "
                + "pingTimeout 200 ms, connectTimeout 1000 ms).")
final class ConformanceCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "3000", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception {
        ConformanceServer server = ConformanceServer.start(host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "chorus-shutdown"));
        stopped.await();
        return 0;
    }
}
