package dev.chorus.engine.eio;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The heartbeat timer of all sessions of one event loop: a timing wheel driven by a single periodic task, so a
 * session costs a slot entry, not a scheduled task of its own. Entries are never removed; a session that moves its
 * deadline leaves a stale entry behind, which is dropped when its slot comes round. Confined to its loop.
 *
 * <p>An entry remembers the tick it was made for: that is what tells a stale entry from one whose deadline lies a
 * turn or more of the wheel ahead, which must stay. The session alone cannot tell them apart, as both find it open
 * and due later.
 */
final class HeartbeatWheel implements Runnable {
    private static final int MAX_SLOTS = 4096;

    private final long tickNanos;
    private final long startNanos;
    private final int mask;
    private final List<List<Entry>> slots;
    private List<Entry> spare = new ArrayList<>();
    private final ScheduledFuture<?> driver;
    private long currentTick;

    private record Entry(EngineSession session, long tick) {
    }

    HeartbeatWheel(EventLoop loop, Duration resolution, Duration longestDelay) {
        this.tickNanos = resolution.toNanos();
        this.startNanos = System.nanoTime();
        int wanted = (int) Math.min(MAX_SLOTS, longestDelay.toNanos() / tickNanos + 2);
        int size = Integer.highestOneBit(Math.max(2, wanted - 1)) << 1;
        this.mask = size - 1;
        this.slots = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            slots.add(new ArrayList<>());
        }
        this.driver = loop.scheduleAtFixedRate(this, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    }

    /** The tick to use for heartbeats of pingInterval and pingTimeout: a tenth of the shorter, within bounds. */
    static Duration resolutionFor(Duration pingInterval, Duration pingTimeout) {
        long shorter = Math.min(pingInterval.toMillis(), pingTimeout.toMillis());
        return Duration.ofMillis(Math.max(10, Math.min(500, shorter / 10)));
    }

    /**
     * Fires {@link EngineSession#onHeartbeatDue()} when {@code delay} has passed, up to one tick early: a deadline
     * is better kept a little early than late (a client waits pingInterval + pingTimeout for a ping, no more).
     */
    void schedule(EngineSession session, Duration delay) {
        long due = (System.nanoTime() - startNanos + delay.toNanos()) / tickNanos;
        long tick = Math.max(currentTick + 1, due);
        if (session.heartbeatTick == tick) {
            return; // already due then, and that entry is still in its slot
        }
        session.heartbeatTick = tick;
        slots.get((int) (tick & mask)).add(new Entry(session, tick));
    }

    @Override
    public void run() {
        long target = (System.nanoTime() - startNanos) / tickNanos;
        while (currentTick < target) {
            currentTick++;
            fire(currentTick);
        }
    }

    private void fire(long tick) {
        int index = (int) (tick & mask);
        List<Entry> due = slots.get(index);
        if (due.isEmpty()) {
            return;
        }
        slots.set(index, spare);
        for (Entry entry : due) {
            EngineSession session = entry.session();
            if (entry.tick() != session.heartbeatTick) {
                continue;
            }
            if (entry.tick() == tick) {
                session.onHeartbeatDue();
            } else if (session.isOpen()) {
                slots.get(index).add(entry);
            }
        }
        due.clear();
        spare = due;
    }

    /** The entries held, stale ones included: what the wheel costs in memory. */
    int entryCount() {
        return slots.stream().mapToInt(List::size).sum();
    }

    void stop() {
        driver.cancel(false);
    }
}
