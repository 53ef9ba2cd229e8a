package dev.chorus.server.chat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Socket.IO spoken by hand over one WebSocket, for what the Java client cannot do: connection state recovery, which
 * sends the {@code pid} and {@code offset} of a lost connection in the CONNECT packet. Answers pings by itself.
 */
final class RawSocketIo implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<String> packets = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
    private WebSocket webSocket;
    private volatile boolean reading = true;

    /** Opens the Engine.IO session; the Socket.IO CONNECT is up to the caller. */
    static RawSocketIo open(HttpClient http, int port, String session) throws Exception {
        RawSocketIo raw = new RawSocketIo();
        WebSocket.Builder builder = http.newWebSocketBuilder();
        if (session != null) {
            builder.header("Cookie", AuthApi.COOKIE + "=" + session);
        }
        raw.webSocket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"),
                raw).get(ChatClient.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        String handshake = raw.next();
        if (!handshake.startsWith("0{")) {
            throw new AssertionError("not an Engine.IO open packet: " + handshake);
        }
        return raw;
    }

    void send(String packet) throws Exception {
        webSocket.sendText(packet, true).get(ChatClient.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** The next packet but pings. */
    String next() throws InterruptedException {
        String packet = packets.poll(ChatClient.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (packet == null) {
            throw new AssertionError("nothing received within " + ChatClient.TIMEOUT_SECONDS + " s");
        }
        return packet;
    }

    /** Completes with the status of the server's close frame. */
    java.util.concurrent.CompletableFuture<Integer> closedByServer() {
        return closed;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    /**
     * Stops taking frames, as a client whose tab froze: the WebSocket asks for no more, so the connection's buffers
     * fill up and the server's side of it stops being writable.
     */
    void stopReading() {
        reading = false;
    }

    /** Drops the connection without a goodbye, as a network failure would. */
    void cut() {
        webSocket.abort();
    }

    @Override
    public void close() {
        webSocket.abort();
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String packet = partial.toString();
            partial.setLength(0);
            if (packet.equals("2")) {
                ws.sendText("3", true);
            } else {
                packets.add(packet);
            }
        }
        if (reading) {
            ws.request(1);
        }
        return null;
    }
}
