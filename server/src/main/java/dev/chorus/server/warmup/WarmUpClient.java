package dev.chorus.server.warmup;

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
 * emits events with acknowledgements and counts the events it is sent. It sends one frame at a time (each emit waits
 * for its acknowledgement), as the JDK's WebSocket asks.
 */
final class WarmUpClient implements WebSocket.Listener {
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final Map<Integer, CompletableFuture<String>> acks = new ConcurrentHashMap<>();
    private final AtomicInteger nextAck = new AtomicInteger();
    private final AtomicInteger received;
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private WarmUpClient(AtomicInteger received) {
        this.received = received;
    }

    /** Connects to the node's default namespace. @param received counts the events every client is sent */
    static CompletableFuture<WarmUpClient> connect(HttpClient http, int port, String cookie,
            AtomicInteger received) {
        WarmUpClient client = new WarmUpClient(received);
        return http.newWebSocketBuilder().header("Cookie", cookie)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), client)
                .thenCompose(socket -> {
                    client.socket = socket;
                    return socket.sendText("40", true);
                })
                .thenCompose(sent -> client.connected)
                .thenApply(ready -> client);
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
