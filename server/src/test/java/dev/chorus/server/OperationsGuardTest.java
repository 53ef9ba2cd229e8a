package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.engine.http.Networks;
import dev.chorus.engine.http.Refusals;
import dev.chorus.engine.http.Reply;
import dev.chorus.engine.http.RouteRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OperationsGuardTest {
    private static final String TOKEN = "a-token-of-some-length";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final OperationsGuard guard = new OperationsGuard(Networks.of(List.of("10.0.0.0/8", "::1")), TOKEN,
            new Refusals(meters));

    @Test
    void operatorsNetworksAndTheTokenPassToTheRoutesBehind() {
        assertThat(guard.serve(get("/metrics", "10.1.2.3", null))).as("from the network").isNull();
        assertThat(guard.serve(get("/cluster", "0:0:0:0:0:0:0:1", null))).isNull();
        assertThat(guard.serve(get("/metrics", "203.0.113.9", "Bearer " + TOKEN))).as("with the token").isNull();
        assertThat(guard.serve(get("/health", "203.0.113.9", null))).as("not an operations endpoint").isNull();
    }

    @Test
    void everyoneElseIsRefusedAndCounted() {
        for (String authorization : new String[] {null, "Bearer wrong", TOKEN, "Bearer " + TOKEN + "x"}) {
            CompletableFuture<Reply> reply = guard.serve(get("/metrics", "203.0.113.9", authorization));
            assertThat(reply).as("with %s", authorization).isNotNull();
            assertThat(reply.join().status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
        }
        assertThat(guard.serve(get("/cluster", "198.51.100.1", null)).join().status())
                .isEqualTo(HttpResponseStatus.FORBIDDEN);
        assertThat(meters.get("chorus.refusals").tag("reason", "operations").counter().count()).isEqualTo(5);
    }

    @Test
    void withoutATokenOnlyTheNetworksOpenThem() {
        OperationsGuard networksOnly = new OperationsGuard(Networks.of(List.of("127.0.0.0/8")), null,
                new Refusals(meters));
        assertThat(networksOnly.serve(get("/metrics", "127.0.0.1", null))).isNull();
        assertThat(networksOnly.serve(get("/metrics", "10.0.0.1", "Bearer null")).join().status())
                .isEqualTo(HttpResponseStatus.FORBIDDEN);
    }

    private static RouteRequest get(String path, String client, String authorization) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (authorization != null) {
            headers.set("Authorization", authorization);
        }
        return new RouteRequest(HttpMethod.GET, path, Map.of(), headers, new byte[0], null, client, false);
    }
}
