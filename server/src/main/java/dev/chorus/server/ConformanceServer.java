package dev.chorus.server;

import dev.chorus.engine.conformance.SuiteEndpoints;
import dev.chorus.engine.eio.EngineServer;
import dev.chorus.engine.http.Router;
import dev.chorus.engine.sio.SocketIoServer;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server the official protocol test suites expect: raw Engine.IO echo on {@code /engine.io/}, Socket.IO on
 * {@code /socket.io/} with namespaces {@code /} and {@code /custom} (see {@link SuiteEndpoints}).
 */
public final class ConformanceServer implements AutoCloseable {
    private final EngineServer echo;
    private final SocketIoServer io;
    private final HttpServer http;
    private final EventLoopGroup loops;

    private ConformanceServer(EngineServer echo, SocketIoServer io, HttpServer http, EventLoopGroup loops) {
        this.echo = echo;
        this.io = io;
        this.http = http;
        this.loops = loops;
    }

    public static ConformanceServer start(String host, int port) throws InterruptedException {
        EngineServer echo = SuiteEndpoints.echo(SuiteEndpoints.options("/engine.io").build());
        SocketIoServer io = SuiteEndpoints.socketIo(SuiteEndpoints.options("/socket.io").build());
        EventLoopGroup loops = EventLoops.create(0);
        try {
            HttpServer http = HttpServer.start(host, port, loops, 1_000_000, null,
                    List.of(echo.httpHandler(), io.httpHandler()),
                    new Router(List.of(new NodeRoutes(() -> true))));
            return new ConformanceServer(echo, io, http, loops);
        } catch (InterruptedException | RuntimeException e) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        echo.close();
        io.close();
        http.close();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
