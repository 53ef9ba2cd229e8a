package dev.chorus.server.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.http.Router;
import dev.chorus.engine.sio.ConnectError;
import dev.chorus.engine.sio.Middleware;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.RecoveryOptions;
import dev.chorus.engine.sio.Socket;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import dev.chorus.server.EventLoops;
import dev.chorus.server.HttpServer;
import dev.chorus.server.NodeRoutes;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * The server the compatibility suite's clients talk to: one HTTP listener on 127.0.0.1 with four Socket.IO
 * endpoints, each set up for the scenarios that need it.
 *
 * <ul>
 *   <li>{@code /socket.io/}: namespaces {@code /}, {@code /custom}, {@code /rooms}, {@code /private} (a middleware
 *       that refuses clients without the right token) and the dynamic {@code /dyn-<digits>};</li>
 *   <li>{@code /recovery/}: connection state recovery with a 10 s window;</li>
 *   <li>{@code /recovery-short/}: recovery with a 300 ms window, which a client coming back after a second misses;</li>
 *   <li>{@code /small/}: maxHttpBufferSize of 1000 bytes.</li>
 * </ul>
 *
 * <p>Every namespace answers the same events, so that one client script can drive any of them:
 * {@code echo} (acks its arguments), {@code echo-event} (emits them back), {@code describe} (acks how the server
 * decoded them, binary spelled out), {@code up} (emits {@code down} with the same arguments), {@code ask} (an
 * {@code emitWithAck} to the client, whose outcome comes back as {@code ask-result}), {@code join},
 * {@code to-room} ({@code socket.to(room)}), {@code broadcast} ({@code nsp.to(..).except(..)}), {@code drop-me}
 * (closes the Engine.IO session), {@code room-ticks} (a numbered stream of {@code news} to a room, whoever is
 * there) and {@code cut-then-broadcast} (closes the session, then broadcasts to a room while the client is away). On connection each socket gets {@code welcome}, and, when its auth asks for it, a stream of
 * {@code tick} events.
 */
public final class CompatServer implements AutoCloseable {
    public static final int SMALL_MAX_PAYLOAD = 1000;
    public static final String PRIVATE_TOKEN = "let-me-in";
    /** Short enough that every scenario sees heartbeats, long enough for a busy 2-core machine. */
    private static final Duration PING_INTERVAL = Duration.ofMillis(500);
    private static final Duration PING_TIMEOUT = Duration.ofMillis(2000);

    private final List<SocketIoServer> servers;
    private final HttpServer http;
    private final EventLoopGroup loops;

    private CompatServer(List<SocketIoServer> servers, HttpServer http, EventLoopGroup loops) {
        this.servers = servers;
        this.http = http;
        this.loops = loops;
    }

    public static CompatServer start() throws InterruptedException {
        SocketIoServer main = new SocketIoServer(options("/socket.io", 1_000_000, null));
        Consumer<Socket> handlers = CompatServer::install;
        for (String name : List.of("/", "/custom", "/rooms")) {
            main.of(name).onConnection(handlers);
        }
        main.of("/private")
                .use(Middleware.sync(socket -> {
                    if (!PRIVATE_TOKEN.equals(socket.handshake().auth().path("token").asText())) {
                        throw new ConnectError("not allowed", Map.of("reason", "token missing", "code", 4001));
                    }
                }))
                .onConnection(handlers);
        main.of(name -> name.matches("/dyn-\\d+")).onConnection(handlers);

        SocketIoServer recovery = new SocketIoServer(
                options("/recovery", 1_000_000, new RecoveryOptions(Duration.ofSeconds(10), true)));
        recovery.sockets().onConnection(handlers);
        SocketIoServer shortRecovery = new SocketIoServer(
                options("/recovery-short", 1_000_000, new RecoveryOptions(Duration.ofMillis(300), true)));
        shortRecovery.sockets().onConnection(handlers);
        SocketIoServer small = new SocketIoServer(options("/small", SMALL_MAX_PAYLOAD, null));
        small.sockets().onConnection(handlers);

        List<SocketIoServer> servers = List.of(main, recovery, shortRecovery, small);
        EventLoopGroup loops = EventLoops.create(2);
        HttpServer http = HttpServer.start("127.0.0.1", 0, loops, 1_000_000, null,
                servers.stream().map(SocketIoServer::httpHandler).toList(),
                new Router(List.of(new NodeRoutes(() -> true))));
        return new CompatServer(servers, http, loops);
    }

    private static SocketIoOptions options(String path, int maxPayload, RecoveryOptions recovery) {
        return SocketIoOptions.builder()
                .engine(EngineOptions.builder()
                        .path(path)
                        .pingInterval(PING_INTERVAL)
                        .pingTimeout(PING_TIMEOUT)
                        .maxHttpBufferSize(maxPayload)
                        .build())
                .connectTimeout(Duration.ofSeconds(5))
                .recovery(recovery)
                .build();
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        servers.forEach(SocketIoServer::close);
        http.close();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static void install(Socket socket) {
        Namespace nsp = socket.namespace();
        ObjectMapper mapper = nsp.server().mapper();
        socket.on("echo", (s, args, ack) -> ack.send(args.toObjects()));
        socket.on("echo-event", (s, args, ack) -> s.emit("echo-event", args.toObjects()));
        socket.on("describe", (s, args, ack) -> ack.send(describe(args.toArray(), mapper)));
        socket.on("up", (s, args, ack) -> s.emit("down", args.toObjects()));
        socket.on("ask", (s, args, ack) -> ask(s, args.get(0), mapper));
        socket.on("join", (s, args, ack) -> {
            List<String> rooms = new ArrayList<>();
            args.get(0).forEach(room -> rooms.add(room.asText()));
            s.join(rooms);
            ack.send(s.rooms());
        });
        socket.on("to-room", (s, args, ack) -> {
            s.to(args.get(0).asText()).emit("room-msg", args.get(1));
            ack.send();
        });
        socket.on("broadcast", (s, args, ack) -> {
            JsonNode spec = args.get(0);
            nsp.to(strings(spec.path("to"))).except(strings(spec.path("except")))
                    .emit(spec.path("event").asText(), objects(spec.path("args")));
            ack.send();
        });
        socket.on("drop-me", (s, args, ack) -> s.engineSession().close());
        socket.on("room-ticks", (s, args, ack) -> {
            // Driven by the loop, not by the socket, so it goes on while the client is away and comes back.
            JsonNode spec = args.get(0);
            String room = spec.path("room").asText();
            repeat(s.engineSession().eventLoop(), spec.path("count").asInt(), spec.path("everyMs").asLong(), i -> {
                nsp.to(room).emit("news", i);
                nsp.except(room).emit("not-for-you", i);
                return true;
            });
            ack.send();
        });
        socket.on("cut-then-broadcast", (s, args, ack) -> {
            // Closing on the session's loop ends the socket at once (its state is persisted when recovery is on),
            // so everything below is sent while the client is away.
            JsonNode spec = args.get(0);
            String room = spec.path("room").asText();
            s.engineSession().close();
            for (int i = spec.path("from").asInt(); i < spec.path("until").asInt(); i++) {
                nsp.to(room).emit("news", i);
                nsp.except(room).emit("not-for-you", i);
                nsp.to("some-other-room").emit("not-for-you", i);
            }
        });
        startTicks(socket);
        ObjectNode welcome = mapper.createObjectNode()
                .put("id", socket.id())
                .put("nsp", nsp.name())
                .put("transport", socket.transport().wireName())
                .put("recovered", socket.recovered());
        welcome.set("auth", socket.handshake().auth());
        socket.emit("welcome", welcome);
    }

    /** {@code auth.ticks}: emit that many numbered {@code tick} events, one every {@code auth.tickEveryMs}. */
    private static void startTicks(Socket socket) {
        JsonNode auth = socket.handshake().auth();
        repeat(socket.engineSession().eventLoop(), auth.path("ticks").asInt(0), auth.path("tickEveryMs").asLong(2),
                i -> {
                    if (!socket.connected()) {
                        return false;
                    }
                    socket.emit("tick", i);
                    return true;
                });
    }

    /**
     * Runs {@code step} with 0, 1, ... count - 1 on the loop, one every {@code everyMs}, until it returns false.
     * Called on that loop, so the first run cannot come before the timer is stored.
     */
    private static void repeat(EventLoop loop, int count, long everyMs, IntPredicate step) {
        if (count <= 0) {
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<ScheduledFuture<?>> timer = new AtomicReference<>();
        timer.set(loop.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            if (i >= count || !step.test(i)) {
                timer.get().cancel(false);
            }
        }, everyMs, everyMs, TimeUnit.MILLISECONDS));
    }

    /**
     * {@code ask {event, args, timeoutMs}}: emits {@code event} to the client with an ack and reports how that went
     * as {@code ask-result {ok: true, args, binary}} or {@code {ok: false, error, message}}.
     */
    private static void ask(Socket socket, JsonNode spec, ObjectMapper mapper) {
        Object[] questionArgs = objects(spec.path("args"));
        socket.emitWithAck(Duration.ofMillis(spec.path("timeoutMs").asLong(5000)), spec.path("event").asText(),
                questionArgs).whenComplete((answer, error) -> {
                    ObjectNode result = mapper.createObjectNode();
                    if (error == null) {
                        result.put("ok", true);
                        result.set("args", answer.toArray());
                        result.set("described", describe(answer.toArray(), mapper));
                    } else {
                        result.put("ok", false)
                                .put("error", error.getClass().getSimpleName())
                                .put("message", error.getMessage());
                    }
                    socket.emit("ask-result", result);
                });
    }

    /** The tree as the server decoded it, each binary node spelled out as {@code {"$binary": [bytes]}}. */
    private static JsonNode describe(JsonNode node, ObjectMapper mapper) {
        if (node.isBinary()) {
            ArrayNode bytes = mapper.createArrayNode();
            try {
                for (byte b : node.binaryValue()) {
                    bytes.add(b & 0xff);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return mapper.createObjectNode().set("$binary", bytes);
        }
        if (node.isArray()) {
            ArrayNode copy = mapper.createArrayNode();
            node.forEach(child -> copy.add(describe(child, mapper)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = mapper.createObjectNode();
            node.properties().forEach(field -> copy.set(field.getKey(), describe(field.getValue(), mapper)));
            return copy;
        }
        return node;
    }

    private static String[] strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values.toArray(String[]::new);
    }

    /** The elements of a JSON array, to pass on as emit arguments. */
    private static Object[] objects(JsonNode array) {
        List<Object> values = new ArrayList<>();
        array.forEach(values::add);
        return values.toArray();
    }
}
