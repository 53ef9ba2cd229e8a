package dev.chorus.server;

import dev.chorus.engine.eio.CorsOptions;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.eio.EngineServer;
import dev.chorus.engine.eio.EngineSession;
import dev.chorus.engine.eio.Frame;
import dev.chorus.engine.eio.CloseReason;
import dev.chorus.engine.eio.SessionHandler;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import java.time.Duration;
import java.util.List;

/**
 * The server the official protocol test suites expect (their READMEs give it in Node): raw Engine.IO echo on
 * {@code /engine.io/}, Socket.IO on {@code /socket.io/} with namespaces {@code /} and {@code /custom}.
 */
public final class ConformanceServer implements AutoCloseable {
    private final EngineServer echo;
    private final SocketIoServer io;
    private final HttpServer http;

    private ConformanceServer(EngineServer echo, SocketIoServer io, HttpServer http) {
        this.echo = echo;
        this.io = io;
        this.http = http;
    }

    public static ConformanceServer start(String host, int port) throws InterruptedException {
        EngineServer echo = new EngineServer(engineOptions("/engine.io"), session -> new Echo());
        SocketIoServer io = new SocketIoServer(SocketIoOptions.builder()
                .engine(engineOptions("/socket.io"))
                .connectTimeout(Duration.ofMillis(1000))
                .build());
        io.sockets().onConnection(socket -> {
            socket.emit("auth", socket.handshake().auth());
            socket.on("message", (s, args, ack) -> s.emit("message-back", args.toObjects()));
            socket.on("message-with-ack", (s, args, ack) -> ack.send(args.toObjects()));
        });
        io.of("/custom").onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
        HttpServer http = HttpServer.start(host, port, 0, 1_000_000,
                List.of(echo.httpHandler(), io.httpHandler()), new RoutesHandler(() -> true));
        return new ConformanceServer(echo, io, http);
    }

    private static EngineOptions engineOptions(String path) {
        return EngineOptions.builder()
                .path(path)
                .pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200))
                .maxHttpBufferSize(1_000_000)
                .cors(CorsOptions.anyOrigin())
                .build();
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        echo.close();
        io.close();
        http.close();
    }

    /** Sends every message back as it came, text as text and binary as binary. */
    private static final class Echo implements SessionHandler {
        @Override
        public void onMessage(EngineSession session, String text) {
            session.send(Frame.message(text));
        }

        @Override
        public void onBinary(EngineSession session, byte[] bytes) {
            session.send(Frame.message(bytes));
        }

        @Override
        public void onClose(EngineSession session, CloseReason reason) {
        }
    }
}
