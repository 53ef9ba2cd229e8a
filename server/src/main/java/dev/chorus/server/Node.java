package dev.chorus.server;

import dev.chorus.engine.eio.CorsOptions;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.sio.RecoveryOptions;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Chorus node: its Socket.IO server and its HTTP listener. */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final SocketIoServer io;
    private final HttpServer http;

    public record Settings(String host, int port, List<String> corsOrigins, boolean corsCredentials,
            int recoveryWindowSeconds) {
    }

    private Node(SocketIoServer io, HttpServer http) {
        this.io = io;
        this.http = http;
    }

    public static Node start(Settings settings) throws InterruptedException {
        EngineOptions engine = EngineOptions.builder()
                .path("/socket.io")
                .cors(CorsOptions.of(settings.corsOrigins(), settings.corsCredentials()))
                .build();
        SocketIoServer io = new SocketIoServer(SocketIoOptions.builder()
                .engine(engine)
                .recovery(new RecoveryOptions(Duration.ofSeconds(settings.recoveryWindowSeconds()), true))
                .build());
        HttpServer http = HttpServer.start(settings.host(), settings.port(), 0, engine.maxHttpBufferSize(),
                List.of(io.httpHandler()), new RoutesHandler(() -> !io.engine().isClosed()));
        log.info("chorus node up on port {} (socket.io at {}, recovery window {} s)", http.port(), engine.path(),
                settings.recoveryWindowSeconds());
        return new Node(io, http);
    }

    public SocketIoServer io() {
        return io;
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        log.info("chorus node shutting down");
        io.close();
        http.close();
    }
}
