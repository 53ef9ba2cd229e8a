package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QuietCollectionTest {
    private static final long MB = 1L << 20;

    private final AtomicLong clock = new AtomicLong();
    private final AtomicInteger collected = new AtomicInteger();
    private QuietCollection.Heap heap = new QuietCollection.Heap(0, 0, 0);
    private final QuietCollection quiet = new QuietCollection(() -> heap, clock::get, () -> {
        collected.incrementAndGet();
        heap = new QuietCollection.Heap(heap.collections() + 1, 20 * MB, 20 * MB);
    });

    private boolean checkAfter(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        return quiet.check();
    }

    @Test
    void collectsOnceTheNodeIsQuietAfterTheOldGenerationGrew() {
        heap = new QuietCollection.Heap(7, 80 * MB, 20 * MB);
        assertThat(checkAfter(0)).isFalse();
        assertThat(checkAfter(1_000)).isFalse();
        assertThat(checkAfter(1_100)).isTrue();
        assertThat(collected).hasValue(1);

        // What it collected is its new starting point: quiet and small, nothing more to do.
        assertThat(checkAfter(5_000)).isFalse();
        assertThat(collected).hasValue(1);
    }

    @Test
    void neverWhileTheNodeKeepsCollectingItsYoungGeneration() {
        for (int i = 0; i < 40; i++) {
            heap = new QuietCollection.Heap(i, 200 * MB, 20 * MB);
            assertThat(checkAfter(1_500)).isFalse();
        }
        assertThat(collected).hasValue(0);
    }

    @Test
    void notForASmallGrowth() {
        heap = new QuietCollection.Heap(3, 20 * MB + QuietCollection.GROWTH - 1, 20 * MB);
        assertThat(checkAfter(0)).isFalse();
        assertThat(checkAfter(60_000)).isFalse();
        assertThat(collected).hasValue(0);
    }

    @Test
    void aBusyLoadThatMayPauseCollectsOnceABurstsWorthPiledUp() {
        heap = new QuietCollection.Heap(5, 20 * MB + QuietCollection.GROWTH - 1, 20 * MB);
        assertThat(quiet.collectIfGrown()).isFalse();
        heap = new QuietCollection.Heap(6, 20 * MB + QuietCollection.GROWTH, 20 * MB);
        assertThat(quiet.collectIfGrown()).isTrue();
        assertThat(collected).hasValue(1);
        assertThat(quiet.collectIfGrown()).isFalse();
        assertThat(collected).hasValue(1);
    }

    /** The JVM's own beans, with the serial collector: a burst's dead objects in the old generation, then quiet. */
    @Test
    void collectsWhatABurstLeftInARealSerialHeap() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process probe = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmn8m", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), Burst.class.getName())
                .redirectErrorStream(true).start();
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(probe.getInputStream().readAllBytes());
        assertThat(probe.exitValue()).as(out).isZero();
        assertThat(out).contains("serial: true").contains("collected: true");
    }

    /** Promotes some 64 MB that then dies, and checks for as long as the node would. */
    static final class Burst {
        public static void main(String[] args) throws Exception {
            var quiet = QuietCollection.forThisJvm();
            System.out.println("serial: " + quiet.isPresent());
            List<byte[]> held = new ArrayList<>();
            for (int i = 0; i < 64 * 16; i++) {
                held.add(new byte[64 * 1024]);
                if (held.size() % 64 == 0) {
                    // Young collections on the way copy what is held into the old generation.
                    for (int j = 0; j < 32; j++) {
                        byte[] passing = new byte[256 * 1024];
                        passing[0] = 1;
                    }
                }
            }
            held.clear();
            boolean collected = false;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!collected && System.nanoTime() < until && quiet.isPresent()) {
                collected = quiet.get().check();
                Thread.sleep(100);
            }
            System.out.println("collected: " + collected);
        }
    }
}
