package dev.chorus.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How many event loops a node runs when it is not told. */
class EventLoopsTest {
    @Test
    void oneLoopPerCoreButOneAndAtLeastOne() {
        assertThat(EventLoops.defaultThreads(1)).isEqualTo(1);
        assertThat(EventLoops.defaultThreads(2)).isEqualTo(1);
        assertThat(EventLoops.defaultThreads(4)).isEqualTo(3);
        assertThat(EventLoops.defaultThreads(16)).isEqualTo(15);
    }

    @Test
    void theStartupLineSaysHowManyLoopsOfWhichKind() {
        EventLoopGroup loops = EventLoops.create(3);
        try {
            assertThat(EventLoops.describe(loops)).isIn("3 epoll", "3 nio");
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
