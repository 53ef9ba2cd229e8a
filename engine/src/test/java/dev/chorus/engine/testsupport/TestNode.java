package dev.chorus.engine.testsupport;

import dev.chorus.engine.conformance.SuiteEndpoints;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.eio.EngineServer;
import dev.chorus.engine.sio.SocketIoServer;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A node as the protocol suites expect it ({@link SuiteEndpoints} on an engine-only test server): Engine.IO echo
 * on {@code /engine.io/}, Socket.IO on {@code /socket.io/} with namespaces {@code /} and {@code /custom}, short
 * heartbeats. The main namespace also has room events for broadcast
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

    /** @param engine adjusts the options of both endpoints, after the suites' settings */
    public static TestNode start(UnaryOperator<EngineOptions.Builder> engine) {
        EngineServer echo = SuiteEndpoints.echo(engine.apply(SuiteEndpoints.options("/engine.io")).build());
        SocketIoServer io = SuiteEndpoints.socketIo(engine.apply(SuiteEndpoints.options("/socket.io")).build());
        io.sockets().onConnection(socket -> {
            socket.on("join", (s, args, ack) -> {
                s.join(args.get(0).asText());
                ack.send("joined");
            });
            socket.on("shout", (s, args, ack) -> {
                Object[] rest = args.toObjects();
                io.sockets().to(args.get(0).asText()).emit("shouted", List.of(rest).subList(1, rest.length).toArray());
            });
        });
        TestHttpServer http = TestHttpServer.start(List.of(echo.httpHandler(), io.httpHandler()));
        return new TestNode(echo, io, http);
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
}
