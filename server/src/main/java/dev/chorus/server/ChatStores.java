package dev.chorus.server;

import dev.chorus.chat.account.AccountStore;
import dev.chorus.chat.history.HistoryStore;
import dev.chorus.chat.history.SentMessages;
import dev.chorus.chat.limits.MessageRate;
import dev.chorus.chat.limits.UserConnections;
import dev.chorus.chat.presence.Presence;
import dev.chorus.chat.session.SessionStore;

/** What the chat keeps and what it shares, from one backend: all in this node, or all in Redis. */
record ChatStores(AccountStore accounts, SessionStore sessions, HistoryStore history, SentMessages sentMessages,
        Presence presence, UserConnections connections, MessageRate messageRate) {
}
