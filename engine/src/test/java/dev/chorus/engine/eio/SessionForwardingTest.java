package dev.chorus.engine.eio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.engine.http.CorsOptions;
import dev.chorus.engine.testsupport.Polling;
import dev.chorus.engine.testsupport.TestNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two engines on loopback, the first told where the second's sessions are: a request the wrong one gets is served
 * by the holder, and one whose holder is gone is answered by the engine itself, as any of its replies, CORS and all.
 */
class SessionForwardingTest {
    private static final String ORIGIN = "http://chat.example";
    private static TestNode holder;
    private static TestNode front;
    private static int closedPort;

    @BeforeAll
    static void start() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            closedPort = free.getLocalPort();
        }
        holder = TestNode.start();
        front = TestNode.start(engine -> engine.cors(CorsOptions.of(List.of(ORIGIN), true)).sessionHolders(sid -> {
            if (sid.startsWith("dead")) {
                return CompletableFuture.completedFuture(null);
            }
            int port = sid.startsWith("gone") ? closedPort : holder.port();
            return CompletableFuture.completedFuture(InetSocketAddress.createUnresolved("127.0.0.1", port));
        }));
    }

    @AfterAll
    static void stop() {
        front.close();
        holder.close();
    }

    @Test
    void aPollingSessionOfAnotherServerIsServedThroughTheOneAsked() {
        String sid = holder.enginePolling().handshake();
        Polling wrongNode = front.enginePolling();

        assertThat(wrongNode.post(sid, "4hello").body()).isEqualTo("ok");
        assertThat(wrongNode.packets(sid, 1)).containsExactly("4hello");
    }

    @Test
    void aSessionWithNoLiveHolderIsUnknownWithTheEnginesCorsHeaders() {
        for (String sid : new String[] {"dead-1", "gone-1"}) {
            HttpResponse<String> response = front.enginePolling().send(front.enginePolling()
                    .request("EIO=4&transport=polling&sid=" + sid).header("Origin", ORIGIN).GET());

            assertThat(response.statusCode()).as(sid).isEqualTo(400);
            assertThat(response.body()).as(sid).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
            assertThat(response.headers().firstValue("access-control-allow-origin")).as(sid).hasValue(ORIGIN);
        }
    }
}
