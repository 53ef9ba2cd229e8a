package dev.chorus.server.warmup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Socket.IO client over WebSocket, as small as the warm-up needs: it connects with a login session's cookie,
 * emits events with acknowledgements, counts the events it is sent and keeps the last recovery offset among them, and
 * can lose its connection and come back on a new one with its session, as a client of a node that died does. It
 * sends one frame at a time (each emit waits for its acknowledgement), as the JDK's WebSocket asks.
 */
final class WarmUpClient implements WebSocket.Listener {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final Map<Integer, CompletableFuture<String>> acks = new ConcurrentHashMap<>();
    private final AtomicInteger nextAck = new AtomicInteger();
    private final AtomicInteger received;
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    /** The CONNECT's answer: the socket's id and its recovery session's. */
    private volatile String sid;
    private volatile String pid;
    /** The recovery offset of the last event that carried one. */
    private volatile String offset;
    /** The socket id it asked to come back to; null on a first connection. */
    private volatile String resumedFrom;

    private WarmUpClient(AtomicInteger received) {
        this.received = received;
    }

    /** Connects to the node's default namespace. @param received counts the events every client is sent */
    static CompletableFuture<WarmUpClient> connect(HttpClient http, int port, String cookie,
            AtomicInteger received) {
        return open(http, port, cookie, new WarmUpClient(received), "40");
    }

    /**
     * Comes back on a new connection asking for the session this client had, with the offset of the last event it
     * heard. @return the client on its new connection; {@link #resumed} says whether the node gave the session back
     */
    CompletableFuture<WarmUpClient> resume(HttpClient http, int port, String cookie) {
        String connect = "40" + JSON.createObjectNode().put("pid", pid).put("offset", offset);
        return open(http, port, cookie, new WarmUpClient(received), connect).thenApply(resumed -> {
                    resumed.resumedFrom = sid;
                    return resumed;
                });
    }

    private static CompletableFuture<WarmUpClient> open(HttpClient http, int port, String cookie,
            WarmUpClient client, String connect) {
        return http.newWebSocketBuilder().header("Cookie", cookie)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), client)
                .thenCompose(socket -> {
                    client.socket = socket;
                    return socket.sendText(connect, true);
                })
                .thenCompose(sent -> client.connected)
                .thenApply(ready -> client);
    }

    /** Whether it heard an event with an offset: a session it could come back to. */
    boolean canResume() {
        return pid != null && offset != null;
    }

    /** Whether it came back with the session of the client it resumed: the same socket id. */
    boolean resumed() {
        return resumedFrom != null && resumedFrom.equals(sid);
    }

    /** Loses the connection without a word, as when a node's process dies or the network goes. */
    void drop() {
        socket.abort();
    }

    /** Emits {@code event} with a JSON object. @return the acknowledgement's frame */
    CompletableFuture<String> emit(String event, String json) {
        int id = nextAck.getAndIncrement();
        CompletableFuture<String> ack = new CompletableFuture<>();
        acks.put(id, ack);
        socket.sendText("42" + id + "[\"" + event + "\"," + json + "]", true)
                .whenComplete((sent, error) -> {
                    if (error != null) {
                        acks.remove(id);
                        ack.completeExceptionally(error);
                    }
                });
        return ack;
    }

    CompletableFuture<Void> close() {
        return socket.sendClose(WebSocket.NORMAL_CLOSURE, "").thenApply(closed -> null);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frame(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    private void frame(String frame) {
        if (frame.startsWith("40")) {
            JsonNode ids = read(frame);
            sid = ids.path("sid").asText(null);
            pid = ids.path("pid").asText(null);
            connected.complete(null);
        } else if (frame.startsWith("44")) {
            connected.completeExceptionally(new IllegalStateException("refused: " + frame));
        } else if (frame.startsWith("43")) {
            int end = 2;
            while (end < frame.length() && Character.isDigit(frame.charAt(end))) {
                end++;
            }
            CompletableFuture<String> ack = acks.remove(Integer.parseInt(frame.substring(2, end)));
            if (ack != null) {
                ack.complete(frame);
            }
        } else if (frame.startsWith("42")) {
            received.incrementAndGet();
            // The offset is a broadcast's last argument, a string: as socket.io-client, only those frames are read.
            if (frame.endsWith("\"]")) {
                JsonNode event = read(frame);
                if (event.isArray()) {
                    offset = event.get(event.size() - 1).asText();
                }
            }
        }
    }

    /** A packet's JSON, after its two digits of type (no acknowledgement id: the CONNECT and broadcasts carry none). */
    private static JsonNode read(String frame) {
        try {
            return JSON.readTree(frame.substring(2));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        fail(new IllegalStateException("closed: " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        fail(error);
    }

    private void fail(Throwable error) {
        connected.completeExceptionally(error);
        acks.values().forEach(ack -> ack.completeExceptionally(error));
        acks.clear();
    }
}
