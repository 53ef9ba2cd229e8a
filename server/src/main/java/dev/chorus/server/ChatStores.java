package dev.chorus.server;

import dev.chorus.core.account.AccountStore;
import dev.chorus.core.contact.ContactStore;
import dev.chorus.core.history.HistoryStore;
import dev.chorus.core.limits.Budgets;
import dev.chorus.core.limits.UserConnections;
import dev.chorus.core.message.Publisher;
import dev.chorus.core.presence.Presence;
import dev.chorus.core.room.OccupantStore;
import dev.chorus.core.room.RoomSettingsStore;
import dev.chorus.core.session.SessionStore;
import dev.chorus.engine.sio.Namespace;
import java.util.function.Function;

/**
 * What the chat keeps and what it shares, from one backend: all in this node, or all in Redis.
 *
 * @param publishers the publisher of a namespace's chat messages
 * @param budgets    the token buckets of the limits that are not the message rate
 */
record ChatStores(AccountStore accounts, ContactStore contacts, SessionStore sessions, HistoryStore history,
        Function<Namespace, Publisher> publishers, Presence presence, RoomSettingsStore roomSettings,
        OccupantStore occupants, UserConnections connections, Budgets budgets) {
}
