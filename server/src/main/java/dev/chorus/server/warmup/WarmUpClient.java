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
 * emits events with acknowledgements, counts the events it is sent and keeps the last recovery offset among them, and
 * can lose its connection and come back on a new one with its session, as a client of a node that died does. It
 * sends one frame at a time (each emit waits for its acknowledgement), as the JDK's WebSocket asks.
 */
final class WarmUpClient implements WebSocket.Listener {
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
        WarmUpClient client = new WarmUpClient(received);
        client.offset = offset;
        return open(http, port, cookie, client,
                "40{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}").thenApply(resumed -> {
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
            sid = field(frame, "sid");
            pid = field(frame, "pid");
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
            String last = lastOffset(frame);
            if (last != null) {
                offset = last;
            }
        }
    }

    /** A string field of the CONNECT's answer, {@code 40{"sid":"...","pid":"..."}}; null when it has none. */
    private static String field(String frame, String name) {
        String key = "\"" + name + "\":\"";
        int start = frame.indexOf(key);
        if (start < 0) {
            return null;
        }
        start += key.length();
        int end = frame.indexOf('"', start);
        return end < 0 ? null : frame.substring(start, end);
    }

    /**
     * The offset a broadcast event carries as its last argument: a stream entry's id in a cluster
     * ({@code ...,"1700000000000-0"]}), a number in base 36 on one node; null for none.
     */
    private static String lastOffset(String frame) {
        if (!frame.endsWith("\"]")) {
            return null;
        }
        int start = frame.lastIndexOf(",\"", frame.length() - 2);
        if (start < 0) {
            return null;
        }
        String candidate = frame.substring(start + 2, frame.length() - 2);
        return candidate.matches("[0-9a-z]+(-[0-9]+)?") ? candidate : null;
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
