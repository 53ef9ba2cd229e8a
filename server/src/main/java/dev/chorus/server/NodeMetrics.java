package dev.chorus.server;

import dev.chorus.core.account.PasswordHashing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A node's meters, scraped by Prometheus at {@code /metrics}: what the engine, the cluster and the chat record,
 * plus the JVM's and how late each event loop runs its tasks.
 */
final class NodeMetrics implements AutoCloseable {
    /** How often each loop is probed: often enough to see a stall, rarely enough to cost nothing. */
    private static final Duration LAG_PROBE_INTERVAL = Duration.ofMillis(500);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final List<ScheduledFuture<?>> probes = new ArrayList<>();

    NodeMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Times, on each loop, how long a task waits behind the ones queued before it: the delay every client of that
     * loop feels on top of its own work. A loop blocked by mistake shows here first.
     */
    void watchLag(EventLoopGroup loops) {
        int index = 0;
        for (EventExecutor loop : loops) {
            Timer lag = Timer.builder("chorus.eventloop.lag")
                    .description("How long a task waits on an event loop before it runs")
                    .tags(Tags.of("loop", Integer.toString(index++)))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(50_000))
                    .maximumExpectedValue(Duration.ofSeconds(5))
                    .register(registry);
            probes.add(loop.scheduleAtFixedRate(() -> {
                long queued = System.nanoTime();
                loop.execute(() -> lag.record(System.nanoTime() - queued, TimeUnit.NANOSECONDS));
            }, LAG_PROBE_INTERVAL.toMillis(), LAG_PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** How full the password hashing pool is: at its capacity, logins and registrations are refused with 503. */
    void watchHashing(PasswordHashing hashing) {
        Gauge.builder("chorus.password.hashes", hashing, PasswordHashing::inFlight)
                .description("Password hashes waiting or running").register(registry);
    }

    /** How close the node is to its connection cap, past which new connections get 503. */
    void watchConnections(ConnectionCap cap) {
        Gauge.builder("chorus.connections.open", cap, ConnectionCap::open)
                .description("TCP connections open on the node").register(registry);
        Gauge.builder("chorus.connections.max", cap, ConnectionCap::max)
                .description("The most TCP connections the node holds at once (max-connections)").register(registry);
    }

    /** How many XMPP clients this node serves: each bound resource is one stream, over TCP, WebSocket or BOSH. */
    void watchXmpp(IntSupplier boundResources) {
        // Held strongly: a gauge only weakly holds what it reads, and nothing else holds this lambda.
        Gauge.builder("chorus.xmpp.resources", boundResources, IntSupplier::getAsInt).strongReference(true)
                .description("XMPP resources bound on the node").register(registry);
    }

    /** The Prometheus text exposition of every meter. */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        probes.forEach(probe -> probe.cancel(false));
        gc.close();
        registry.close();
    }
}
