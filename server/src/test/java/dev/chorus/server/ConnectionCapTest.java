package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.engine.http.Refusals;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConnectionCapTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ConnectionCap cap = new ConnectionCap(2, new Refusals(meters));

    @Test
    void aConnectionPastTheCapIsAnswered503AndClosedAndOneClosingMakesRoom() {
        EmbeddedChannel first = new EmbeddedChannel(cap.newConnection());
        EmbeddedChannel second = new EmbeddedChannel(cap.newConnection());
        EmbeddedChannel third = new EmbeddedChannel(cap.newConnection());

        ByteBuf answer = third.readOutbound();
        assertThat(answer.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .contains("Retry-After: 5").endsWith("{\"error\":\"the server is full, try later\"}");
        answer.release();
        assertThat(third.isOpen()).isFalse();
        assertThat(first.isOpen()).isTrue();
        assertThat(cap.open()).isEqualTo(2);
        assertThat(meters.get("chorus.refusals").tag("reason", "connection-cap").counter().count()).isEqualTo(1);

        first.close();
        EmbeddedChannel fourth = new EmbeddedChannel(cap.newConnection());
        assertThat(fourth.isOpen()).isTrue();
        assertThat((Object) fourth.readOutbound()).isNull();
        second.close();
        fourth.close();
        assertThat(cap.open()).isZero();
    }

    @Test
    void byDefaultTheCapFollowsTheHeap() {
        ConnectionCap fromHeap = new ConnectionCap(0, Refusals.uncounted());
        assertThat(fromHeap.max()).isEqualTo(Runtime.getRuntime().maxMemory() / ConnectionCap.HEAP_PER_CONNECTION);
    }
}
