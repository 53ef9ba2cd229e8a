package dev.chorus.engine.sio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class BroadcastOptionsTest {
    private static BroadcastOptions options(Set<String> rooms, Set<String> except) {
        return new BroadcastOptions(rooms, except, false, false);
    }

    @Test
    void noRoomsMeansEverySocket() {
        assertThat(options(Set.of(), Set.of()).includes(Set.of("sid1"))).isTrue();
        assertThat(options(Set.of(), Set.of()).includes(Set.of("sid1", "a", "b"))).isTrue();
    }

    @Test
    void roomsSelectSocketsInAnyOfThem() {
        BroadcastOptions toAOrB = options(Set.of("a", "b"), Set.of());
        assertThat(toAOrB.includes(Set.of("sid1", "b"))).isTrue();
        assertThat(toAOrB.includes(Set.of("sid1", "a", "b"))).isTrue();
        assertThat(toAOrB.includes(Set.of("sid1", "c"))).isFalse();
        assertThat(toAOrB.includes(Set.of())).isFalse();
    }

    @Test
    void exceptWinsOverRooms() {
        assertThat(options(Set.of("a"), Set.of("b")).includes(Set.of("sid1", "a", "b"))).isFalse();
        assertThat(options(Set.of("a"), Set.of("b")).includes(Set.of("sid1", "a"))).isTrue();
        assertThat(options(Set.of(), Set.of("sid1")).includes(Set.of("sid1", "a"))).isFalse();
        assertThat(options(Set.of(), Set.of("sid1")).includes(Set.of("sid2", "a"))).isTrue();
        // The except room may come after the matching room in iteration order.
        for (int i = 0; i < 20; i++) {
            assertThat(options(Set.of("r" + i), Set.of("x")).includes(Set.of("r" + i, "x", "y" + i))).isFalse();
        }
    }

    @Test
    void toRoomSelectsThatRoomOnly() {
        BroadcastOptions toRoom = BroadcastOptions.toRoom("sid1");
        assertThat(toRoom.includes(Set.of("sid1"))).isTrue();
        assertThat(toRoom.includes(Set.of("sid2", "room"))).isFalse();
        assertThat(toRoom.isVolatile()).isFalse();
        assertThat(toRoom.local()).isFalse();
    }
}
