package dev.chorus.engine.sio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryAdapterTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    };
    private SocketIoServer server;

    private Adapter adapter(RecoveryOptions recovery) {
        server = new SocketIoServer(SocketIoOptions.builder().recovery(recovery)
                .adapterFactory(InMemoryAdapter.factory(recovery, clock)).build());
        return server.sockets().adapter();
    }

    private void advance(Duration by) {
        now.updateAndGet(instant -> instant.plus(by));
    }

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void tellsBroadcastListenersOfEveryBroadcastEvenWithNoSocketToReach() {
        Adapter adapter = adapter(null);
        List<String> heard = new ArrayList<>();
        server.sockets().onBroadcast((packet, options) -> heard.add(packet.data().get(0).asText() + " to "
                + options.rooms()));
        ArrayNode data = JsonNodeFactory.instance.arrayNode().add("message");

        adapter.broadcast(Packet.event("/", data), BroadcastOptions.toRoom("nobody-here"));

        assertThat(heard).containsExactly("message to [nobody-here]");
    }

    @Test
    void keepsRoomsBothWays() {
        Adapter adapter = adapter(null);
        adapter.addAll("s1", Set.of("s1", "a", "b"));
        adapter.addAll("s2", Set.of("s2", "b"));

        assertThat(adapter.socketRooms("s1")).containsExactlyInAnyOrder("s1", "a", "b");
        assertThat(adapter.rooms()).containsExactlyInAnyOrder("s1", "s2", "a", "b");

        adapter.del("s1", "b");
        assertThat(adapter.socketRooms("s1")).containsExactlyInAnyOrder("s1", "a");
        assertThat(adapter.localSockets(BroadcastOptions.toRoom("b"))).containsExactly("s2");

        adapter.delAll("s2");
        assertThat(adapter.socketRooms("s2")).isEmpty();
        assertThat(adapter.rooms()).as("empty rooms are gone").containsExactlyInAnyOrder("s1", "a");
        adapter.delAll("unknown");
        adapter.del("unknown", "a");
        assertThat(adapter.rooms()).containsExactlyInAnyOrder("s1", "a");
    }

    @Test
    void selectsSocketsByRoomsAndExceptions() {
        Adapter adapter = adapter(null);
        adapter.addAll("s1", Set.of("s1", "a"));
        adapter.addAll("s2", Set.of("s2", "a", "b"));
        adapter.addAll("s3", Set.of("s3", "b", "muted"));
        adapter.addAll("s4", Set.of("s4"));

        assertThat(adapter.localSockets(options(Set.of(), Set.of()))).containsExactlyInAnyOrder("s1", "s2", "s3", "s4");
        assertThat(adapter.localSockets(options(Set.of("a", "b"), Set.of())))
                .as("a socket in two of the rooms counts once").containsExactlyInAnyOrder("s1", "s2", "s3");
        assertThat(adapter.localSockets(options(Set.of("a", "b"), Set.of("muted")))).containsExactlyInAnyOrder("s1", "s2");
        assertThat(adapter.localSockets(options(Set.of(), Set.of("a")))).containsExactlyInAnyOrder("s3", "s4");
        assertThat(adapter.localSockets(options(Set.of(), Set.of("s4")))).containsExactlyInAnyOrder("s1", "s2", "s3");
        assertThat(adapter.localSockets(options(Set.of("nobody"), Set.of()))).isEmpty();
    }

    @Test
    void recoveryLogAppendsAnOffsetToRecoverableEventsOnly() {
        Adapter adapter = adapter(RecoveryOptions.defaults());
        ArrayNode logged = event("e1");
        adapter.broadcast(Packet.event("/", logged), BroadcastOptions.toRoom("r1"));
        ArrayNode withAck = event("e2");
        adapter.broadcast(new Packet(PacketType.EVENT, "/", 5, withAck), BroadcastOptions.toRoom("r1"));
        ArrayNode fleeting = event("e3");
        adapter.broadcast(Packet.event("/", fleeting), new BroadcastOptions(Set.of("r1"), Set.of(), true, false));

        assertThat(logged).hasSize(2);
        assertThat(logged.get(1).isTextual()).isTrue();
        assertThat(withAck).hasSize(1);
        assertThat(fleeting).hasSize(1);
    }

    @Test
    void restoresASessionAndReplaysWhatItsRoomsMissed() {
        Adapter adapter = adapter(RecoveryOptions.defaults());
        String seen = broadcast(adapter, "seen", Set.of("r1"), Set.of());
        broadcast(adapter, "missed-1", Set.of("r1"), Set.of());
        broadcast(adapter, "other-room", Set.of("r2"), Set.of());
        broadcast(adapter, "excluded", Set.of(), Set.of("r1"));
        String last = broadcast(adapter, "missed-2", Set.of(), Set.of());

        PersistedSession stored = new PersistedSession("sid1", "pid1", Set.of("sid1", "r1"),
                server.mapper().createObjectNode().put("user", "ann"));
        adapter.persistSession(stored).join();

        PersistedSession restored = adapter.restoreSession("pid1", seen).join();
        assertThat(restored).isEqualTo(stored);
        List<ReplayedPacket> missed = adapter.replay(restored, seen).join();
        assertThat(missed).extracting(p -> p.packet().data().get(0).asText()).containsExactly("missed-1", "missed-2");
        assertThat(missed.get(1).offset()).isEqualTo(last);
        assertThat(missed).allSatisfy(p -> assertThat(p.packet().data().get(p.packet().data().size() - 1).asText())
                .isEqualTo(p.offset()));

        assertThat(adapter.replay(restored, last).join()).as("nothing after the newest offset").isEmpty();
        assertThat(adapter.restoreSession("pid1", seen).join()).as("a session is restored once").isNull();
    }

    @Test
    void replayedEventsAreCopies() {
        Adapter adapter = adapter(RecoveryOptions.defaults());
        String before = broadcast(adapter, "first", Set.of(), Set.of());
        broadcast(adapter, "second", Set.of(), Set.of());
        PersistedSession session = new PersistedSession("s", "p", Set.of("s"), server.mapper().createObjectNode());

        ((ArrayNode) adapter.replay(session, before).join().get(0).packet().data()).add("changed");
        assertThat(adapter.replay(session, before).join().get(0).packet().data()).hasSize(2);
    }

    @Test
    void unknownPidsAndOffsetsRecoverNothing() {
        Adapter adapter = adapter(RecoveryOptions.defaults());
        String offset = broadcast(adapter, "e", Set.of(), Set.of());
        PersistedSession session = new PersistedSession("s", "p", Set.of("s"), server.mapper().createObjectNode());
        adapter.persistSession(session).join();

        assertThat(adapter.restoreSession("other", offset).join()).isNull();
        assertThat(adapter.replay(session, "zz").join()).as("an offset from the future").isNull();
        assertThat(adapter.replay(session, "not an offset").join()).isNull();
        assertThat(adapter.replay(session, "-1").join()).isNull();
        assertThat(adapter.restoreSession("p", "zzzzzzzzzzzzzzzzzzzz").join()).isNull();
    }

    @Test
    void anOffsetWhoseSuccessorWasPrunedIsForgotten() {
        Adapter adapter = adapter(new RecoveryOptions(Duration.ofMillis(100), true));
        String first = broadcast(adapter, "e1", Set.of(), Set.of());
        String second = broadcast(adapter, "e2", Set.of(), Set.of());
        advance(Duration.ofMillis(150));
        broadcast(adapter, "e3", Set.of(), Set.of()); // prunes e1 and e2, older than the window

        PersistedSession session = new PersistedSession("s", "p", Set.of("s"), server.mapper().createObjectNode());
        adapter.persistSession(session).join();
        assertThat(adapter.replay(session, first).join()).as("e2 is gone, so the client cannot catch up").isNull();
        assertThat(adapter.restoreSession("p", first).join()).isNull();

        adapter.persistSession(session).join();
        assertThat(adapter.restoreSession("p", second).join()).as("everything after e2 is kept").isEqualTo(session);
        assertThat(adapter.replay(session, second).join()).extracting(p -> p.packet().data().get(0).asText())
                .containsExactly("e3");
    }

    @Test
    void expiredSessionsAreNotRestored() {
        Adapter adapter = adapter(new RecoveryOptions(Duration.ofMillis(50), true));
        String offset = broadcast(adapter, "e", Set.of(), Set.of());
        adapter.persistSession(new PersistedSession("s", "p", Set.of("s"), server.mapper().createObjectNode())).join();
        advance(Duration.ofMillis(80));
        assertThat(adapter.restoreSession("p", offset).join()).isNull();
    }

    @Test
    void withoutRecoveryNothingIsKept() {
        Adapter adapter = adapter(null);
        ArrayNode data = event("e");
        adapter.broadcast(Packet.event("/", data), BroadcastOptions.toRoom("r"));
        assertThat(data).hasSize(1);
        adapter.persistSession(new PersistedSession("s", "p", Set.of("s"), server.mapper().createObjectNode())).join();
        assertThat(adapter.restoreSession("p", "1").join()).isNull();
    }

    /** @return the offset the event got */
    private String broadcast(Adapter adapter, String name, Set<String> rooms, Set<String> except) {
        ArrayNode data = event(name);
        adapter.broadcast(Packet.event("/", data), options(rooms, except));
        return data.get(data.size() - 1).asText();
    }

    private ArrayNode event(String name) {
        return server.mapper().createArrayNode().add(name);
    }

    private static BroadcastOptions options(Set<String> rooms, Set<String> except) {
        return new BroadcastOptions(rooms, except, false, false);
    }
}
