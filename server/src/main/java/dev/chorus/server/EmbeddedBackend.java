package dev.chorus.server;

import dev.chorus.chat.account.AccountStore;
import dev.chorus.chat.history.HistoryStore;
import dev.chorus.chat.history.LocalSentMessages;
import dev.chorus.chat.history.SentMessages;
import dev.chorus.chat.limits.LocalUserConnections;
import dev.chorus.chat.limits.MessageRate;
import dev.chorus.chat.limits.RateLimiter;
import dev.chorus.chat.limits.UserConnections;
import dev.chorus.chat.presence.LocalPresence;
import dev.chorus.chat.presence.Presence;
import dev.chorus.chat.session.SessionStore;
import dev.chorus.chat.store.EmbeddedAccountStore;
import dev.chorus.chat.store.EmbeddedDatabase;
import dev.chorus.chat.store.EmbeddedHistoryStore;
import dev.chorus.chat.store.EmbeddedSessionStore;
import dev.chorus.engine.sio.AdapterFactory;
import dev.chorus.engine.sio.InMemoryAdapter;
import dev.chorus.engine.sio.RecoveryOptions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A single node: its stores in a local data folder, its rooms and counts in memory. */
final class EmbeddedBackend implements Backend {
    private final EmbeddedDatabase database;
    private final AccountStore accounts;
    private final SessionStore sessions;
    private final HistoryStore history;
    private final SentMessages sentMessages;
    private final Presence presence = new LocalPresence();
    private final UserConnections connections;
    private final MessageRate messageRate;
    private final RecoveryOptions recovery;

    EmbeddedBackend(Node.Settings settings, RecoveryOptions recovery, Clock clock) {
        this.database = EmbeddedDatabase.open(settings.dataDir());
        this.accounts = new EmbeddedAccountStore(database);
        this.sessions = new EmbeddedSessionStore(database);
        this.history = new EmbeddedHistoryStore(database, settings.historyPerRoom());
        this.sentMessages = new LocalSentMessages(Backend.REMEMBER_SENT, clock);
        this.connections = new LocalUserConnections(settings.maxConnectionsPerUser());
        this.messageRate = new RateLimiter(settings.messagesPerSecond(), settings.messageBurst(), clock);
        this.recovery = recovery;
    }

    @Override
    public AccountStore accounts() {
        return accounts;
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    @Override
    public HistoryStore history() {
        return history;
    }

    @Override
    public SentMessages sentMessages() {
        return sentMessages;
    }

    @Override
    public Presence presence() {
        return presence;
    }

    @Override
    public UserConnections connections() {
        return connections;
    }

    @Override
    public MessageRate messageRate() {
        return messageRate;
    }

    @Override
    public AdapterFactory adapterFactory() {
        return InMemoryAdapter.factory(recovery);
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public CompletableFuture<List<Map<String, Object>>> nodes() {
        return CompletableFuture.completedFuture(List.of());
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
