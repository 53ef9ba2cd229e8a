package dev.chorus.chat.rooms;

import static dev.chorus.chat.rooms.ChatSockets.error;
import static dev.chorus.chat.rooms.ChatSockets.userOf;

import dev.chorus.core.message.MessageKind;
import dev.chorus.core.message.Messages;
import dev.chorus.core.message.Refusal;
import dev.chorus.engine.sio.Ack;
import dev.chorus.engine.sio.Namespace;
import dev.chorus.engine.sio.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sending, as the Socket.IO face takes it: event {@code message} to a room the socket is in, {@code dm} to a user.
 * The core's {@link Messages} checks, stores and delivers; this answers the ack with the id, or the refusal.
 */
final class Messaging {
    private final Messages messages;

    Messaging(Messages messages) {
        this.messages = messages;
    }

    void install(Namespace nsp) {
        nsp.onEvent("message", Requests.Message.class, this::message)
                .onEvent("dm", Requests.Direct.class, this::direct)
                .onDelivered(this::delivered);
    }

    /** Counts the messages this node's sockets got, from this node's senders or any other's. */
    private void delivered(String event, int sockets) {
        if (event.equals(MessageEmits.ROOM_EVENT)) {
            messages.delivered(MessageKind.ROOM, sockets);
        } else if (event.equals(MessageEmits.DIRECT_EVENT)) {
            messages.delivered(MessageKind.DIRECT, sockets);
        }
    }

    private void message(Socket socket, Requests.Message request, Ack ack) {
        answer(messages.toRoom(userOf(socket), request.room(), request.text(), request.clientId(),
                request.room() != null && socket.rooms().contains(request.room())), ack);
    }

    private void direct(Socket socket, Requests.Direct request, Ack ack) {
        answer(messages.direct(userOf(socket), request.to(), request.text(), request.clientId()), ack);
    }

    private static void answer(CompletableFuture<Messages.Outcome> outcome, Ack ack) {
        outcome.thenAccept(result -> {
            if (result instanceof Messages.Outcome.Sent sent) {
                ack.send(Map.of("id", sent.id()));
                return;
            }
            Messages.Outcome.Refused refused = (Messages.Outcome.Refused) result;
            ack.send(refused.reason() == Refusal.RATE_LIMITED
                    ? error(refused.message()).put("retryAfterMs", refused.retryAfterMs())
                    : error(refused.message()));
        });
    }
}
