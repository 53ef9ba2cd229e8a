package dev.chorus.engine.conformance;

import dev.chorus.engine.eio.CloseReason;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.eio.EngineServer;
import dev.chorus.engine.eio.EngineSession;
import dev.chorus.engine.eio.Frame;
import dev.chorus.engine.eio.SessionHandler;
import dev.chorus.engine.http.CorsOptions;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import java.time.Duration;

/**
 * The endpoints the official protocol test suites (socketio/engine.io-protocol and socketio/socket.io-protocol)
 * expect, as their READMEs give them for the Node reference server.
 */
public final class SuiteEndpoints {
    private SuiteEndpoints() {
    }

    /** pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1 000 000, CORS for any origin. */
    public static EngineOptions.Builder options(String path) {
        return EngineOptions.builder()
                .path(path)
                .pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200))
                .maxHttpBufferSize(1_000_000)
                .cors(CorsOptions.anyOrigin());
    }

    /** Raw Engine.IO that sends every message back as it came, text as text and binary as binary. */
    public static EngineServer echo(EngineOptions options) {
        return new EngineServer(options, session -> new Echo());
    }

    /**
     * Socket.IO with connectTimeout 1000 ms and namespaces {@code /} and {@code /custom}: both emit {@code auth}
     * with the CONNECT payload; {@code /} answers {@code message} with {@code message-back} and acknowledges
     * {@code message-with-ack} with its own arguments.
     */
    public static SocketIoServer socketIo(EngineOptions options) {
        SocketIoServer io = new SocketIoServer(SocketIoOptions.builder()
                .engine(options)
                .connectTimeout(Duration.ofMillis(1000))
                .build());
        io.sockets().onConnection(socket -> {
            socket.emit("auth", socket.handshake().auth());
            socket.on("message", (s, args, ack) -> s.emit("message-back", args.toObjects()));
            socket.on("message-with-ack", (s, args, ack) -> ack.send(args.toObjects()));
        });
        io.of("/custom").onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
        return io;
    }

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
