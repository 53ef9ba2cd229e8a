package dev.chorus.chat.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.chat.web.SessionCookie;
import dev.chorus.core.Chat;
import dev.chorus.core.history.EmbeddedHistoryStore;
import dev.chorus.core.limits.EmbeddedBudgets;
import dev.chorus.core.limits.EmbeddedUserConnections;
import dev.chorus.core.limits.RateLimiter;
import dev.chorus.core.limits.RequestLimits;
import dev.chorus.core.message.DirectQuota;
import dev.chorus.core.message.EmbeddedPublisher;
import dev.chorus.core.message.EmbeddedSentMessages;
import dev.chorus.core.presence.EmbeddedPresence;
import dev.chorus.core.room.EmbeddedRoomSettingsStore;
import dev.chorus.core.session.EmbeddedSessionStore;
import dev.chorus.core.session.Sessions;
import dev.chorus.core.store.EmbeddedDatabase;
import dev.chorus.engine.eio.EngineOptions;
import dev.chorus.engine.sio.SocketIoOptions;
import dev.chorus.engine.sio.SocketIoServer;
import dev.chorus.engine.testsupport.TestHttpServer;
import dev.chorus.engine.testsupport.WsClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chat's Socket.IO face on an in-memory server with the embedded stores, and clients that speak to it in raw
 * Socket.IO packets over WebSocket, as the official clients do.
 */
final class ChatFace implements AutoCloseable {
    static final int MAX_MESSAGE_BYTES = 100;
    static final int MAX_CONNECTIONS_PER_USER = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COOKIE = "jsessionid";

    private final EmbeddedDatabase database;
    private final SocketIoServer io;
    private final TestHttpServer http;
    private final Sessions sessions;
    private final ChatRooms chat;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<Client> clients = new ArrayList<>();

    private ChatFace(Path dir) {
        Clock clock = Clock.systemUTC();
        database = EmbeddedDatabase.open(dir);
        EmbeddedHistoryStore history = new EmbeddedHistoryStore(database, 100);
        sessions = new Sessions(new EmbeddedSessionStore(database), Duration.ofHours(1), Duration.ofHours(2), clock);
        io = new SocketIoServer(SocketIoOptions.builder()
                .engine(EngineOptions.builder().path("/socket.io").build())
                .build());
        Chat core = Chat.of(new Chat.Parts(sessions, new EmbeddedUserConnections(MAX_CONNECTIONS_PER_USER),
                new EmbeddedPresence(100), new EmbeddedRoomSettingsStore(database), history, new EmbeddedPublisher(history, new RateLimiter(1000, 1000, clock),
                        new EmbeddedSentMessages(Duration.ofMinutes(5), clock),
                        MessageEmits.deliveredTo(io.sockets())),
                RequestLimits.of(new EmbeddedBudgets(clock), new RequestLimits.Rate(1000, 1000)),
                user -> CompletableFuture.completedFuture(true), new DirectQuota(new EmbeddedBudgets(clock), 1 << 20)),
                MAX_MESSAGE_BYTES, 50, clock, meters);
        chat = new ChatRooms(io.sockets(), core, new SessionCookie(COOKIE));
        chat.install();
        http = TestHttpServer.start(List.of(io.httpHandler()));
    }

    static ChatFace start(Path dir) {
        return new ChatFace(dir);
    }

    ChatRooms chat() {
        return chat;
    }

    Sessions sessions() {
        return sessions;
    }

    /** What the face counted: the value of a counter, 0 when it was never made. */
    double count(String name, String... tags) {
        Counter counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A logged-in user's new socket, connected. */
    Client connect(String user) {
        String session = sessions.open(user).join().id();
        Client connected = open(COOKIE + "=" + session);
        connected.send("0");
        String answer = connected.nextPacket();
        assertThat(answer).as("CONNECT answered").startsWith("0{");
        return connected;
    }

    /** A socket that asks to connect with the cookie given (none when null); the answer is the client's to read. */
    Client open(String cookie) {
        WsClient ws = WsClient.connect(client, http.uri("/socket.io/?EIO=4&transport=websocket"),
                cookie == null ? Map.of() : Map.of("Cookie", cookie));
        assertThat(ws.nextText()).startsWith("0{");
        Client opened = new Client(ws);
        clients.add(opened);
        return opened;
    }

    @Override
    public void close() {
        clients.forEach(Client::close);
        io.close();
        http.close();
        database.close();
    }

    /** One socket's side of the conversation: what it sends, and what it got, in order. */
    static final class Client implements AutoCloseable {
        private final WsClient ws;
        private final AtomicInteger nextAck = new AtomicInteger();
        /** Events that came while the client waited for something else. */
        private final List<JsonNode> events = new ArrayList<>();

        private Client(WsClient ws) {
            this.ws = ws;
        }

        void send(String socketIoPacket) {
            ws.send("4" + socketIoPacket);
        }

        /** The next Socket.IO packet (without the Engine.IO "4"), heartbeats skipped. */
        String nextPacket() {
            String frame = ws.nextTextSkippingPings();
            assertThat(frame).startsWith("4");
            return frame.substring(1);
        }

        /** Emits an event and waits for its acknowledgement's first argument. */
        JsonNode call(String event, Object argument) {
            int id = nextAck.getAndIncrement();
            send("2" + id + json(List.of(event, argument)));
            String prefix = "3" + id + "[";
            while (true) {
                String packet = nextPacket();
                if (packet.startsWith(prefix)) {
                    return read(packet.substring(prefix.length() - 1)).get(0);
                }
                keep(packet);
            }
        }

        /** Emits an event without asking for an acknowledgement. */
        void emit(String event, Object argument) {
            send("2" + json(List.of(event, argument)));
        }

        /** The argument of the next event of that name, whether it came already or comes next. */
        JsonNode next(String event) {
            for (Iterator<JsonNode> it = events.iterator(); it.hasNext(); ) {
                JsonNode kept = it.next();
                if (kept.get(0).asText().equals(event)) {
                    it.remove();
                    return kept.get(1);
                }
            }
            while (true) {
                String packet = nextPacket();
                if (packet.startsWith("2[")) {
                    JsonNode data = read(packet.substring(1));
                    if (data.get(0).asText().equals(event)) {
                        return data.get(1);
                    }
                    events.add(data);
                } else {
                    keep(packet);
                }
            }
        }

        /** Whether an event of that name came among those kept so far. */
        boolean got(String event) {
            return events.stream().anyMatch(data -> data.get(0).asText().equals(event));
        }

        int awaitClosed() {
            return ws.awaitClosed();
        }

        private void keep(String packet) {
            if (packet.startsWith("2[")) {
                events.add(read(packet.substring(1)));
            }
        }

        @Override
        public void close() {
            ws.close();
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
