package dev.chorus.server;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chorus serve}: run a node. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run a Chorus node.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--cors-origin", split = ",", paramLabel = "ORIGIN",
            description = "Origins allowed to connect from another site; '*' for any (default: none).")
    List<String> corsOrigins = List.of();

    @Option(names = "--cors-credentials", description = "Let cross-origin clients send cookies.")
    boolean corsCredentials;

    @Option(names = "--recovery-window", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long a disconnected client can come back and get what it missed (default: ${DEFAULT-VALUE}).")
    int recoveryWindowSeconds;

    @Override
    public Integer call() throws Exception {
        Node node = Node.start(new Node.Settings(host, port, corsOrigins, corsCredentials, recoveryWindowSeconds));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "chorus-shutdown"));
        stopped.await();
        return 0;
    }
}
