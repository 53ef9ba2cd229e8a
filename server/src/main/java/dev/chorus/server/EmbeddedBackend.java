package dev.chorus.server;

import dev.chorus.chat.rooms.MessageEmits;
import dev.chorus.core.account.EmbeddedAccountStore;
import dev.chorus.core.contact.EmbeddedContactStore;
import dev.chorus.core.history.EmbeddedHistoryStore;
import dev.chorus.core.limits.EmbeddedBudgets;
import dev.chorus.core.limits.EmbeddedUserConnections;
import dev.chorus.core.limits.RateLimiter;
import dev.chorus.core.message.EmbeddedPublisher;
import dev.chorus.core.message.EmbeddedSentMessages;
import dev.chorus.core.presence.EmbeddedPresence;
import dev.chorus.core.room.EmbeddedOccupantStore;
import dev.chorus.core.room.EmbeddedRoomSettingsStore;
import dev.chorus.core.session.EmbeddedSessionStore;
import dev.chorus.core.store.EmbeddedDatabase;
import dev.chorus.engine.sio.AdapterFactory;
import dev.chorus.engine.sio.InMemoryAdapter;
import dev.chorus.engine.sio.RecoveryOptions;
import dev.chorus.server.config.Keys;
import dev.chorus.server.config.Settings;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** A single node: its stores in a local data folder, its rooms and counts in memory. */
final class EmbeddedBackend implements Backend {
    private final EmbeddedDatabase database;
    private final ChatStores stores;
    private final RecoveryOptions recovery;
    private final Clock clock;
    private final String nodeId;
    private final long startedAt;
    private volatile Map<String, Object> card = Map.of();
    private volatile Supplier<Map<String, Object>> load = Map::of;

    EmbeddedBackend(Settings settings, RecoveryOptions recovery, Clock clock, String nodeId) {
        this.database = EmbeddedDatabase.open(settings.get(Keys.DATA));
        EmbeddedHistoryStore history = new EmbeddedHistoryStore(database, settings.get(Keys.HISTORY_SIZE));
        this.stores = new ChatStores(new EmbeddedAccountStore(database), new EmbeddedContactStore(database),
                new EmbeddedSessionStore(database), history,
                nsp -> new EmbeddedPublisher(history,
                        new RateLimiter(settings.get(Keys.MESSAGE_RATE), settings.get(Keys.MESSAGE_BURST), clock),
                        new EmbeddedSentMessages(REMEMBER_SENT, clock), MessageEmits.deliveredTo(nsp)),
                new EmbeddedPresence(settings.get(Keys.MAX_ROOMS_PER_USER)), new EmbeddedRoomSettingsStore(database),
                new EmbeddedOccupantStore(), new EmbeddedUserConnections(settings.get(Keys.MAX_CONNECTIONS_PER_USER)),
                new EmbeddedBudgets(clock));
        this.recovery = recovery;
        this.clock = clock;
        this.nodeId = nodeId;
        this.startedAt = clock.millis();
    }

    @Override
    public void announce(String address, Supplier<Map<String, Object>> load) {
        Map<String, Object> self = new LinkedHashMap<>();
        self.put("id", nodeId);
        self.put("address", address);
        self.put("startedAt", startedAt);
        self.put("self", true);
        this.card = self;
        this.load = load;
    }

    @Override
    public ChatStores stores() {
        return stores;
    }

    @Override
    public AdapterFactory adapterFactory() {
        return InMemoryAdapter.factory(recovery, clock);
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public CompletableFuture<List<Map<String, Object>>> nodes() {
        if (card.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Map<String, Object> self = new LinkedHashMap<>(card);
        self.put("load", load.get());
        return CompletableFuture.completedFuture(List.of(self));
    }

    @Override
    public void close() {
        database.close();
    }

    @Override
    public String toString() {
        return "embedded store in " + database;
    }
}
