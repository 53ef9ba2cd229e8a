package dev.chorus.server;

import dev.chorus.chat.account.AccountStore;
import dev.chorus.chat.history.HistoryStore;
import dev.chorus.chat.limits.UserConnections;
import dev.chorus.chat.presence.Presence;
import dev.chorus.chat.publish.Publisher;
import dev.chorus.chat.session.SessionStore;
import dev.chorus.engine.sio.Namespace;
import java.util.function.Function;

/**
 * What the chat keeps and what it shares, from one backend: all in this node, or all in Redis.
 *
 * @param publishers the publisher of a namespace's chat messages
 */
record ChatStores(AccountStore accounts, SessionStore sessions, HistoryStore history,
        Function<Namespace, Publisher> publishers, Presence presence, UserConnections connections) {
}
