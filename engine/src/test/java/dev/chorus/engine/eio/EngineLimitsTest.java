package dev.chorus.engine.eio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.engine.http.TrustedProxies;
import dev.chorus.engine.testsupport.Polling;
import dev.chorus.engine.testsupport.TestNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The caps a server facing the open internet puts on handshakes: per client address, and in flight at once. */
class EngineLimitsTest {
    @Test
    void aClientAddressGetsNoMoreSessionsThanTheCapAndOneMoreWhenOneCloses() {
        try (TestNode node = TestNode.start(b -> b.maxSessionsPerAddress(2)
                .trustedProxies(TrustedProxies.of(List.of("127.0.0.1"))))) {
            Polling polling = node.enginePolling();
            String first = polling.handshake();
            polling.handshake();

            HttpResponse<String> third = polling.send(polling.request("EIO=4&transport=polling").GET());
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.body()).isEqualTo("{\"code\":4,\"message\":\"Too many sessions from this address\"}");
            assertThat(polling.send(polling.request("EIO=4&transport=polling")
                    .header("X-Forwarded-For", "198.51.100.7").GET()).statusCode())
                    .as("another client behind the trusted proxy").isEqualTo(200);

            polling.post(first, "1");
            await().untilAsserted(() -> assertThat(polling.send(polling.request("EIO=4&transport=polling").GET())
                    .statusCode()).as("a session closed makes room").isEqualTo(200));
        }
    }

    @Test
    void handshakesBeyondThoseInFlightAreAskedToComeBack() {
        try (TestNode node = TestNode.start(b -> b.maxHandshakesInFlight(2))) {
            Polling engineOnly = node.enginePolling();
            String first = engineOnly.handshake();
            engineOnly.handshake();

            HttpResponse<String> busy = engineOnly.send(engineOnly.request("EIO=4&transport=polling").GET());
            assertThat(busy.statusCode()).as("no layer above took the two in").isEqualTo(503);
            assertThat(busy.body()).contains("Server busy");

            engineOnly.post(first, "1");
            await().untilAsserted(() -> assertThat(node.echo().handshakesInFlight()).isEqualTo(1));
            assertThat(engineOnly.send(engineOnly.request("EIO=4&transport=polling").GET()).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aSocketIoClientThatJoinedANamespaceIsNoLongerInFlight() {
        try (TestNode node = TestNode.start(b -> b.maxHandshakesInFlight(1))) {
            Polling socketIo = node.socketIoPolling();
            for (int i = 0; i < 3; i++) {
                String sid = socketIo.handshake();
                socketIo.post(sid, "40");
                assertThat(socketIo.packets(sid, 1).get(0)).as("client %d connected", i).startsWith("40");
                await().untilAsserted(() -> assertThat(node.io().engine().handshakesInFlight()).isZero());
            }
        }
    }
}
