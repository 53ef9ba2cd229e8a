package dev.chorus.engine.testsupport;

import dev.chorus.engine.eio.CloseReason;
import dev.chorus.engine.eio.CorsOptions;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.eio.EngineServer;
import dev.chorus.engine.eio.EngineSession;
import dev.chorus.engine.eio.Frame;
import dev.chorus.engine.eio.SessionHandler;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A node as the protocol suites expect it (the server module's ConformanceServer, rebuilt here because the engine
 * cannot depend on the server module): Engine.IO echo on {@code /engine.io/}, Socket.IO on {@code /socket.io/} with
 * namespaces {@code /} and {@code /custom}, short heartbeats. The main namespace also has room events for broadcast
 * tests: {@code join(room)} and {@code shout(room, ...args)}, which emits {@code shouted} with the args to the room.
 */
public final class TestNode implements AutoCloseable {
    private final EngineServer echo;
    private final SocketIoServer io;
    private final TestHttpServer http;

    private TestNode(EngineServer echo, SocketIoServer io, TestHttpServer http) {
        this.echo = echo;
        this.io = io;
        this.http = http;
    }

    public static TestNode start() {
        return start(b -> b);
    }

    /** @param engine adjusts the options of both endpoints, after the defaults below */
    public static TestNode start(UnaryOperator<EngineOptions.Builder> engine) {
        EngineServer echo = new EngineServer(options("/engine.io", engine), session -> new Echo());
        SocketIoServer io = new SocketIoServer(SocketIoOptions.builder()
                .engine(options("/socket.io", engine))
                .connectTimeout(Duration.ofMillis(1000))
                .build());
        io.sockets().onConnection(socket -> {
            socket.emit("auth", socket.handshake().auth());
            socket.on("message", (s, args, ack) -> s.emit("message-back", args.toObjects()));
            socket.on("message-with-ack", (s, args, ack) -> ack.send(args.toObjects()));
            socket.on("join", (s, args, ack) -> {
                s.join(args.get(0).asText());
                ack.send("joined");
            });
            socket.on("shout", (s, args, ack) -> {
                Object[] rest = args.toObjects();
                io.sockets().to(args.get(0).asText()).emit("shouted", List.of(rest).subList(1, rest.length).toArray());
            });
        });
        io.of("/custom").onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
        TestHttpServer http = TestHttpServer.start(List.of(echo.httpHandler(), io.httpHandler()));
        return new TestNode(echo, io, http);
    }

    private static EngineOptions options(String path, UnaryOperator<EngineOptions.Builder> engine) {
        return engine.apply(EngineOptions.builder()
                .path(path)
                .pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200))
                .cors(CorsOptions.anyOrigin()))
                .build();
    }

    public EngineServer echo() {
        return echo;
    }

    public SocketIoServer io() {
        return io;
    }

    public int port() {
        return http.port();
    }

    public Polling enginePolling() {
        return new Polling(http, "/engine.io/");
    }

    public Polling socketIoPolling() {
        return new Polling(http, "/socket.io/");
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
