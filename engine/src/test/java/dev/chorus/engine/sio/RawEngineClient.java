package dev.chorus.engine.sio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare Engine.IO websocket client: the open packet is read on connect, every later text frame is queued. */
final class RawEngineClient implements WebSocket.Listener {
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket ws;

    static RawEngineClient connect(int port) throws Exception {
        RawEngineClient client = new RawEngineClient();
        client.ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), client)
                .get(5, TimeUnit.SECONDS);
        assertThat(client.next()).startsWith("0{");
        return client;
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    /** @return the next text packet, its Engine.IO type digit included */
    String next() throws InterruptedException {
        String text = received.poll(5, TimeUnit.SECONDS);
        assertThat(text).as("a packet within 5 s").isNotNull();
        return text;
    }

    /** @return the next text packet that is not a ping, answering pings */
    String nextEvent() throws InterruptedException {
        String text = next();
        while (text.equals("2")) {
            send("3");
            text = next();
        }
        return text;
    }

    /** Completes with the close code when the server closes the connection. */
    CompletableFuture<Integer> closed() {
        return closed;
    }

    void abort() {
        ws.abort();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            received.add(partial.toString());
            partial.setLength(0);
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
}
