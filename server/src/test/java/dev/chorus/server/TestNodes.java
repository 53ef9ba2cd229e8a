package dev.chorus.server;

import dev.chorus.server.config.Keys;
import dev.chorus.server.config.Settings;
import java.nio.file.Path;
import java.time.Duration;

/** What the tests start their nodes with, unless they say otherwise. */
public final class TestNodes {
    private TestNodes() {
    }

    /**
     * A node on loopback and a free port, its embedded store in {@code data}: sessions of an hour (a day at most),
     * 100 messages of history per room, XMPP on a free port, two minutes to recover in, and no limit to speak of on registrations (every
     * test user registers from loopback) nor on requests (tests ask for history in loops).
     */
    public static Settings settings(Path data) {
        return Settings.defaults()
                .with(Keys.HOST, "127.0.0.1")
                .with(Keys.PORT, 0)
                .with(Keys.XMPP_PORT, 0)
                .with(Keys.DATA, data)
                .with(Keys.SESSION_IDLE, Duration.ofHours(1))
                .with(Keys.SESSION_MAX, Duration.ofHours(24))
                .with(Keys.HISTORY_SIZE, 100)
                .with(Keys.RECOVERY_WINDOW, Duration.ofMinutes(2))
                .with(Keys.REGISTRATIONS_PER_ADDRESS, 1_000_000)
                .with(Keys.REQUEST_RATE, 10_000.0)
                .with(Keys.REQUEST_BURST, 100_000);
    }
}
