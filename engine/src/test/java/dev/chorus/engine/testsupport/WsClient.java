package dev.chorus.engine.testsupport;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A java.net.http WebSocket that queues what it receives: text messages as strings, binary ones as byte arrays. */
public final class WsClient implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private WebSocket ws;

    private WsClient() {
    }

    public static WsClient connect(HttpClient http, URI httpUri) {
        return connect(http, httpUri, Map.of());
    }

    /** @param headers sent with the upgrade request, a session cookie say */
    public static WsClient connect(HttpClient http, URI httpUri, Map<String, String> headers) {
        WsClient client = new WsClient();
        URI uri = URI.create(httpUri.toString().replaceFirst("^http", "ws"));
        WebSocket.Builder builder = http.newWebSocketBuilder();
        headers.forEach(builder::header);
        client.ws = builder.buildAsync(uri, client).orTimeout(5, TimeUnit.SECONDS).join();
        return client;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            messages.add(binary.toByteArray());
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    public void send(String message) {
        ws.sendText(message, true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    public void send(byte[] message) {
        ws.sendBinary(ByteBuffer.wrap(message), true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** @return the next message: a String or a byte[] */
    public Object next() {
        try {
            Object message = messages.poll(5, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no message within 5 s");
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String nextText() {
        Object message = next();
        if (!(message instanceof String s)) {
            throw new AssertionError("expected text, got " + describe(message));
        }
        return s;
    }

    /** Skips heartbeat pings, which may come at any time. */
    public String nextTextSkippingPings() {
        String message;
        do {
            message = nextText();
        } while ("2".equals(message));
        return message;
    }

    public byte[] nextBinary() {
        Object message = next();
        if (!(message instanceof byte[] b)) {
            throw new AssertionError("expected binary, got " + describe(message));
        }
        return b;
    }

    /** @return the close status the server sent, or -1 when the connection failed */
    public int awaitClosed() {
        return closed.orTimeout(5, TimeUnit.SECONDS).join();
    }

    private static String describe(Object message) {
        return message instanceof byte[] b ? "binary " + new String(b, StandardCharsets.ISO_8859_1) : "'" + message + "'";
    }

    @Override
    public void close() {
        ws.abort();
    }
}
