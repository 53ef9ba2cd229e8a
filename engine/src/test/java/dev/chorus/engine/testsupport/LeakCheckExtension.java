package dev.chorus.engine.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leak by its end, after its own {@code @AfterAll} (servers stopped, so
 * whatever they still held is garbage). Registered for every Jupiter class through the ServiceLoader.
 */
public final class LeakCheckExtension implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) {
        LeakDetection.assertNoLeaks(context.getDisplayName());
    }
}
