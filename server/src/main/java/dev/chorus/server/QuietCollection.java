package dev.chorus.server;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears out what a burst left in the heap once the node is quiet again. A crowd connecting at once (a reconnect
 * storm, the morning's logins) promotes into the old generation much that dies right after — handshakes, requests,
 * answers in flight when a young collection came. The serial collector (the small-footprint profile's) frees it only
 * at a full collection, which comes when the old generation fills: until then the node's memory stays at the burst's
 * high-water mark, however few bytes its connections hold. So when the old generation has grown by
 * {@link #GROWTH} since its last full collection and no collection at all has run for {@link #QUIET} (the node
 * allocates little: no chat to pause), the node collects fully: the burst's dead objects are compacted away, and what
 * the node keeps next goes into the pages they took rather than new ones — and the full collection the old generation
 * would have needed comes now, not under the next burst. A node under load never qualifies: it collects its young
 * generation every few seconds.
 */
final class QuietCollection {
    private static final Logger log = LoggerFactory.getLogger(QuietCollection.class);
    /** How long no collection may have run: below about 10 MB/s of allocation with the profile's young generation. */
    static final Duration QUIET = Duration.ofSeconds(2);
    /** How much the old generation must have grown since its last full collection. */
    static final long GROWTH = 24L << 20;
    private static final Duration CHECK_EVERY = Duration.ofMillis(250);

    /** The collector's state at one moment. */
    record Heap(long collections, long oldUsed, long oldUsedAfterFullCollection) {
        long grownSinceFullCollection() {
            return oldUsed - oldUsedAfterFullCollection;
        }
    }

    private final Supplier<Heap> heap;
    private final LongSupplier nanoTime;
    private final Runnable collect;
    private long collections = -1;
    private long quietSince;

    QuietCollection(Supplier<Heap> heap, LongSupplier nanoTime, Runnable collect) {
        this.heap = heap;
        this.nanoTime = nanoTime;
        this.collect = collect;
    }

    /**
     * For this JVM when it runs the serial collector; none with another, whose own means (G1's periodic collection,
     * ZGC's uncommit) are the operator's to choose, and where a full collection of a large heap would be long.
     */
    static Optional<QuietCollection> forThisJvm() {
        return serialHeap().map(heap -> new QuietCollection(heap, System::nanoTime, System::gc));
    }

    /** The heap as the serial collector keeps it; empty under another collector. */
    private static Optional<Supplier<Heap>> serialHeap() {
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        boolean serial = collectors.stream().anyMatch(gc -> gc.getName().equals("MarkSweepCompact"));
        Optional<MemoryPoolMXBean> tenured = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.getName().equals("Tenured Gen"))
                .findFirst();
        if (!serial || tenured.isEmpty()) {
            return Optional.empty();
        }
        MemoryPoolMXBean old = tenured.get();
        return Optional.of(() -> new Heap(collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount)
                .sum(), old.getUsage().getUsed(), old.getCollectionUsage().getUsed()));
    }

    /** Checks a few times a second on a thread of its own: a full collection stops every thread anyway. */
    void start() {
        ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "chorus-quiet-collection");
            thread.setDaemon(true);
            return thread;
        });
        checks.scheduleWithFixedDelay(this::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Collects fully if the old generation has grown by {@link #GROWTH}, quiet or not: for a load that is busy by
     * design and knows when it may pause (the warm-up, between its rounds).
     *
     * @return whether it collected
     */
    boolean collectIfGrown() {
        if (heap.get().grownSinceFullCollection() < GROWTH) {
            return false;
        }
        collectNow();
        return true;
    }

    /** @return whether it collected */
    boolean check() {
        Heap now = heap.get();
        long at = nanoTime.getAsLong();
        if (now.collections() != collections) {
            collections = now.collections();
            quietSince = at;
            return false;
        }
        long grown = now.grownSinceFullCollection();
        if (at - quietSince < QUIET.toNanos() || grown < GROWTH) {
            return false;
        }
        Heap after = collectNow();
        log.info("heap: the node is quiet and its old generation had grown by {} MB since it was last collected "
                + "fully; collected: {} MB in use there now", grown >> 20, after.oldUsed() >> 20);
        return true;
    }

    /** Collects fully; the collection it counts and the quiet it waits for start again from here. */
    private Heap collectNow() {
        collect.run();
        Heap after = heap.get();
        collections = after.collections();
        quietSince = nanoTime.getAsLong();
        return after;
    }
}
