package dev.chorus.chat.rooms;

import dev.chorus.core.room.Connection;
import dev.chorus.engine.sio.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** A socket as the core's rooms see it: its chat rooms are its Socket.IO rooms of the same name. */
record SocketConnection(Socket socket) implements Connection {
    @Override
    public String id() {
        return socket.id();
    }

    @Override
    public String user() {
        return ChatSockets.userOf(socket);
    }

    @Override
    public boolean isIn(String room) {
        return socket.rooms().contains(room);
    }

    @Override
    public void enter(String room) {
        socket.join(room);
    }

    @Override
    public void exit(String room) {
        socket.leave(room);
        socket.leave(Channels.presence(room));
    }

    @Override
    public int roomCount() {
        return ChatSockets.chatRoomsOf(socket).size();
    }

    @Override
    public <T> CompletableFuture<T> execute(Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        socket.execute(() -> {
            try {
                work.get().whenComplete((result, error) -> {
                    if (error != null) {
                        done.completeExceptionally(error);
                    } else {
                        done.complete(result);
                    }
                });
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    @Override
    public void watchPresence(String room, boolean watch) {
        if (watch) {
            socket.join(Channels.presence(room));
        } else {
            socket.leave(Channels.presence(room));
        }
    }
}
