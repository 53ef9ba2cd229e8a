package dev.chorus.chat.rooms;

import dev.chorus.chat.web.SessionCookie;
import dev.chorus.core.Chat;
import dev.chorus.core.room.RoomNames;
import dev.chorus.engine.sio.Namespace;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The chat's Socket.IO face on a namespace, put together from its parts, each of which turns events into requests
 * to the {@link Chat} core and renders the core's answers and events as emits: the {@link LoginGate} (the core's
 * {@link dev.chorus.core.session.Admission}), {@link RoomMembership} (its {@link dev.chorus.core.room.Rooms}),
 * {@link Messaging} (its {@link dev.chorus.core.message.Messages}) and {@link HistoryQueries} (its
 * {@link dev.chorus.core.history.History}). What an admin does to the chat goes through here.
 */
public final class ChatRooms {
    private final Namespace nsp;
    private final Chat chat;
    private final LoginGate gate;
    private final RoomMembership membership;
    private final Messaging messaging;
    private final HistoryQueries queries;

    /** @param cookie the login session cookie, which a socket's handshake carries */
    public ChatRooms(Namespace nsp, Chat chat, SessionCookie cookie) {
        this.nsp = nsp;
        this.chat = chat;
        this.gate = new LoginGate(chat.admission(), cookie);
        this.membership = new RoomMembership(nsp, chat.rooms());
        this.messaging = new Messaging(chat.messages());
        this.queries = new HistoryQueries(chat.history(), chat.rooms());
    }

    /** Installs the login check and the chat events on the namespace; the gate's connection handling first. */
    public void install() {
        gate.install(nsp);
        membership.install();
        messaging.install(nsp);
        queries.install(nsp);
    }

    /**
     * Ends a user's chat everywhere (an admin's kick): every session of theirs, so no socket of theirs can come back,
     * and every socket of theirs, on every node.
     *
     * @return how many sessions ended
     */
    public CompletableFuture<Integer> kick(String user) {
        return chat.admission().kick(user);
    }

    /** What is wrong with a room name, if anything. */
    public static Optional<String> checkRoomName(String room) {
        return RoomNames.check(room);
    }

    /** Closes a room on every node: its members are told and taken out; its history stays. */
    public void closeRoom(String room) {
        chat.rooms().close(room);
    }

    /** The rooms with someone in them, by name, with their members (read for at most {@code limit} rooms). */
    public CompletableFuture<Map<String, List<String>>> roomsWithMembers(int limit) {
        return chat.rooms().withMembers(limit);
    }

    /** Who is online, anywhere, with how many sockets. */
    public CompletableFuture<Map<String, Integer>> online() {
        return chat.admission().online();
    }
}
