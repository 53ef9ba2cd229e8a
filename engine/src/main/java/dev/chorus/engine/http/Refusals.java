package dev.chorus.engine.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests and connections turned away to protect the node or its users: each counted by reason in
 * {@code chorus_refusals_total}, and logged with its client address — at most one line a second per reason, with
 * how many more there were since, so an attack cannot flood the log.
 */
public final class Refusals {
    private static final Logger log = LoggerFactory.getLogger(Refusals.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final MeterRegistry meters;
    private final Map<String, Reason> reasons = new ConcurrentHashMap<>();

    public Refusals(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Logged only: for a server that exports no metrics. */
    public static Refusals uncounted() {
        return new Refusals(new SimpleMeterRegistry());
    }

    /**
     * @param reason a short fixed name (a metric tag: never built from the request)
     * @param client the client's address
     * @param what   what was refused, for the log line
     */
    public void refuse(String reason, String client, String what) {
        reasons.computeIfAbsent(reason, this::newReason).refused(client, what);
    }

    private Reason newReason(String name) {
        return new Reason(name, Counter.builder("chorus.refusals").tag("reason", name)
                .description("Requests and connections refused to protect the node or its users").register(meters));
    }

    private static final class Reason {
        private final String name;
        private final Counter counter;
        private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
        private final AtomicLong unlogged = new AtomicLong();

        Reason(String name, Counter counter) {
            this.name = name;
            this.counter = counter;
        }

        void refused(String client, String what) {
            counter.increment();
            long now = System.nanoTime();
            long last = lastLogged.get();
            if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
                long more = unlogged.getAndSet(0);
                log.info("refused {} from {}: {}{}", what, client, name,
                        more > 0 ? " (and " + more + " more such since the last line)" : "");
            } else {
                unlogged.incrementAndGet();
            }
        }
    }
}
