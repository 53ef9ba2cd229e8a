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
            String first = Polling.sid(handshakeFrom(polling, "198.51.100.6").body());
            handshakeFrom(polling, "198.51.100.6");

            HttpResponse<String> third = handshakeFrom(polling, "198.51.100.6");
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.body()).isEqualTo("{\"code\":4,\"message\":\"Too many sessions from this address\"}");
            assertThat(handshakeFrom(polling, "198.51.100.7").statusCode())
                    .as("another client behind the trusted proxy").isEqualTo(200);

            polling.post(first, "1");
            await().untilAsserted(() -> assertThat(handshakeFrom(polling, "198.51.100.6").statusCode())
                    .as("a session closed makes room").isEqualTo(200));
        }
    }

    /**
     * A client on this machine is a proxy in front whose clients' addresses are not told (all of them would share
     * one count, the whole site capped at the limit) or the operator's own tools: it is not capped per address.
     */
    @Test
    void aClientOnThisMachineIsNotCappedPerAddress() {
        try (TestNode node = TestNode.start(b -> b.maxSessionsPerAddress(2))) {
            Polling polling = node.enginePolling();
            for (int i = 0; i < 5; i++) {
                polling.handshake();
            }
            assertThat(node.echo().sessionsOf("127.0.0.1")).isEqualTo(5);
        }
    }

    private static HttpResponse<String> handshakeFrom(Polling polling, String client) {
        return polling.send(polling.request("EIO=4&transport=polling").header("X-Forwarded-For", client).GET());
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
