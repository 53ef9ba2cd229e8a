package dev.chorus.server.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.client.SocketOptionBuilder;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.json.JSONObject;

/** A chat user's socket through the Java client {@code io.socket:socket.io-client}, over WebSocket. */
final class ChatClient implements AutoCloseable {
    static final long TIMEOUT_SECONDS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Socket socket;
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();

    private ChatClient(Socket socket) {
        this.socket = socket;
        socket.on("message", args -> messages.add(json(args[0])));
    }

    /** Connects with the session cookie (none when null); completes with the client or the connect_error message. */
    static CompletableFuture<ChatClient> connect(OkHttpClient okHttp, int port, String session) {
        SocketOptionBuilder options = IO.Options.builder()
                .setTransports(new String[] {"websocket"})
                .setForceNew(true)
                .setReconnection(false);
        if (session != null) {
            options.setExtraHeaders(Map.of("Cookie", List.of(AuthApi.COOKIE + "=" + session)));
        }
        IO.Options built = options.build();
        built.callFactory = okHttp;
        built.webSocketFactory = okHttp;
        ChatClient client = new ChatClient(IO.socket(URI.create("http://127.0.0.1:" + port), built));
        CompletableFuture<ChatClient> connected = new CompletableFuture<>();
        client.socket.once(Socket.EVENT_CONNECT, args -> connected.complete(client));
        client.socket.once(Socket.EVENT_CONNECT_ERROR, args -> {
            client.close();
            connected.completeExceptionally(new Refused(args.length > 0 && args[0] instanceof JSONObject error
                    ? error.optString("message") : String.valueOf(args.length > 0 ? args[0] : null)));
        });
        client.socket.connect();
        return connected;
    }

    /** Emits an event with an acknowledgement and waits for it. */
    JsonNode call(String event, Map<String, ?> payload) throws Exception {
        CompletableFuture<JsonNode> ack = new CompletableFuture<>();
        socket.emit(event, new Object[] {new JSONObject(payload)}, args -> ack.complete(json(args[0])));
        return ack.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** The next {@code message} event broadcast to this socket. */
    JsonNode nextMessage() throws InterruptedException {
        JsonNode message = messages.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within " + TIMEOUT_SECONDS + " s");
        }
        return message;
    }

    /** The messages received so far and not yet taken. */
    List<JsonNode> pendingMessages() {
        return List.copyOf(messages);
    }

    /** Listens for another event than the chat's messages. */
    void on(String event, io.socket.emitter.Emitter.Listener listener) {
        socket.on(event, listener);
    }

    /** The socket id the server gave. */
    String id() {
        return socket.id();
    }

    boolean connected() {
        return socket.connected();
    }

    @Override
    public void close() {
        socket.close();
    }

    static JsonNode json(Object value) {
        try {
            return JSON.readTree(value.toString());
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + value, e);
        }
    }

    /** The server refused the connection with a CONNECT_ERROR. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
