package dev.chorus.engine.testsupport;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes Netty's leak reports visible to tests. Netty only logs a leak, and only when the leaked buffer happens to be
 * collected and a later allocation looks at the detector's queue; a log line fails nothing. This factory's
 * detectors record every report, and {@link #sweep()} forces the collection and the look so a test can fail on it.
 *
 * <p>Detectors are created once, in static initializers ({@code AbstractByteBuf.leakDetector}), so the factory must
 * be in place before the first buffer class loads: {@link LeakDetectionSessionListener} installs it when the test
 * launcher starts.
 */
public final class LeakDetection {
    private static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();
    private static final List<ResourceLeakDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private LeakDetection() {
    }

    public static synchronized void install() {
        if (!installed) {
            ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
            installed = true;
        }
    }

    /** Whether the detectors in use record their reports: false when a detector existed before {@link #install()}. */
    public static boolean recording() {
        return DETECTORS.stream().anyMatch(d -> d.getClass() == RecordingDetector.class);
    }

    /**
     * Collects garbage and makes every detector report what it found.
     *
     * @return the leak reports since the last sweep
     */
    public static List<String> sweep() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            DETECTORS.forEach(LeakDetection::poll);
        }
        List<String> reports = new ArrayList<>();
        for (String report; (report = REPORTS.poll()) != null; ) {
            reports.add(report);
        }
        return reports;
    }

    /** Fails with the reports when Netty found leaks since the last sweep. */
    public static void assertNoLeaks(String where) {
        List<String> reports = sweep();
        if (!reports.isEmpty()) {
            throw new AssertionError("Netty reported " + reports.size() + " leak(s) by the end of " + where + ":\n"
                    + String.join("\n", reports));
        }
    }

    /** A detector reports what its queue holds whenever it tracks something at PARANOID level. */
    @SuppressWarnings("unchecked")
    private static void poll(ResourceLeakDetector<?> detector) {
        Object probe = new Object();
        ResourceLeakTracker<Object> tracker = ((ResourceLeakDetector<Object>) detector).track(probe);
        if (tracker != null) {
            tracker.close(probe);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            RecordingDetector<T> detector = new RecordingDetector<>(resource, samplingInterval);
            DETECTORS.add(detector);
            return detector;
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<?> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        /** Report whatever the log level: the test decides, not the logging configuration. */
        @Override
        protected boolean needReport() {
            return true;
        }

        /** Recorded instead of logged: the failing test prints it, and the leak check's own test stays quiet. */
        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            REPORTS.add("LEAK: " + resourceType + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            REPORTS.add("LEAK: " + resourceType + " (untraced: run with -Dio.netty.leakDetection.level=PARANOID)");
        }
    }
}
