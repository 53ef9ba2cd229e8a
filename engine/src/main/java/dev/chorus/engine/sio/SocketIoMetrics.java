package dev.chorus.engine.sio;

import dev.chorus.engine.eio.EngineServer;
import dev.chorus.engine.eio.TransportName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * The Socket.IO server's meters. Gauges are read when scraped, from the live state, so a connection or a room
 * costs nothing to count; counters are one adder each on the hot paths.
 */
final class SocketIoMetrics {
    private final MeterRegistry registry;
    final Counter eventsReceived;
    final Counter eventsSent;
    final Counter acksAnswered;
    final Counter acksTimedOut;
    final Counter recovered;
    final Counter notRecovered;
    final Counter recoveredWithoutRooms;
    final Counter superseded;

    SocketIoMetrics(MeterRegistry registry, EngineServer engine) {
        this.registry = registry;
        for (TransportName transport : TransportName.values()) {
            Gauge.builder("chorus.connections", engine, e -> e.countOn(transport))
                    .description("Engine.IO connections open on this node")
                    .tag("transport", transport.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        eventsReceived = Counter.builder("chorus.events.received")
                .description("Socket.IO events received from clients").register(registry);
        eventsSent = Counter.builder("chorus.events.sent")
                .description("Socket.IO events sent to clients, one per recipient").register(registry);
        acksAnswered = Counter.builder("chorus.acks").tag("result", "answered")
                .description("Acknowledgements the server asked clients for, by outcome").register(registry);
        acksTimedOut = Counter.builder("chorus.acks").tag("result", "timed_out")
                .description("Acknowledgements the server asked clients for, by outcome").register(registry);
        recovered = Counter.builder("chorus.recoveries").tag("result", "recovered")
                .description("Clients that came back asking for their session, by outcome").register(registry);
        notRecovered = Counter.builder("chorus.recoveries").tag("result", "failed")
                .description("Clients that came back asking for their session, by outcome").register(registry);
        recoveredWithoutRooms = Counter.builder("chorus.recoveries.roomless")
                .description("Recovered sockets that came back in no room but their own").register(registry);
        superseded = Counter.builder("chorus.sockets.superseded")
                .description("Sockets closed because their client recovered them on another connection")
                .register(registry);
    }

    /** Sockets and rooms of a namespace, as gauges tagged with its name. */
    void watch(Namespace nsp) {
        Gauge.builder("chorus.sockets", nsp, n -> n.socketCount())
                .description("Socket.IO sockets connected to this node").tag("namespace", nsp.name())
                .register(registry);
        Gauge.builder("chorus.rooms", nsp, n -> n.roomCount())
                .description("Rooms with members on this node (a socket's own room not counted)")
                .tag("namespace", nsp.name())
                .register(registry);
    }
}
