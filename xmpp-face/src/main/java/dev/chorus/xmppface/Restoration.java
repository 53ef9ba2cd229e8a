package dev.chorus.xmppface;

import dev.chorus.core.Answer;
import dev.chorus.core.history.ChatMessage;
import dev.chorus.core.history.History;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A resource brought back on this node for a session resumed here after its node died (XEP-0198): put back where
 * it was — its switches, its presence, its rooms under the same nicknames — then, once the client has its
 * {@code <resumed/>}, sent what it missed while nowhere: the rooms' messages and its direct messages after the
 * newest it was sent, ahead of the live ones that came meanwhile.
 */
final class Restoration {
    private static final Logger log = LoggerFactory.getLogger(Restoration.class);

    private final MultiUserChat muc;
    private final DirectChat direct;
    private final Availability availability;
    private final History history;

    Restoration(MultiUserChat muc, DirectChat direct, Availability availability, History history) {
        this.muc = muc;
        this.direct = direct;
        this.availability = availability;
        this.history = history;
    }

    /** Puts the resource back; on its thread. @return when it is back in its rooms */
    CompletableFuture<Void> restore(RoomConnection connection, ResourceState state) {
        LocalResource resource = connection.resource();
        resource.carbons(state.carbons());
        resource.interested(state.interested());
        resource.catchingUp(state.roomFloors(), state.directFloor());
        if (state.presence() != null) {
            XmlElement presence = XmlElement.parse(state.presence());
            // Known already, it is not an initial presence: the contacts hear it, and nothing is probed again.
            resource.presence(presence);
            availability.announce(resource, presence);
        }
        return CompletableFuture.allOf(state.rooms().entrySet().stream()
                .map(seat -> muc.reseat(connection, seat.getKey(), seat.getValue()))
                .toArray(CompletableFuture[]::new));
    }

    /** Sends what the resource missed, once it is back in its rooms; then the live messages held meanwhile. */
    void catchUp(RoomConnection connection, CompletableFuture<Void> restored) {
        LocalResource resource = connection.resource();
        restored.whenComplete((done, error) -> resource.execute(() -> {
            Map<String, CompletableFuture<List<ChatMessage>>> rooms = new LinkedHashMap<>();
            for (String room : connection.rooms()) {
                rooms.put(room, muc.missed(connection, room, resource.roomFloor(room)));
            }
            CompletableFuture<List<ChatMessage>> directs = history.archive(resource.username(), null,
                    resource.directFloor(), null).thenApply(page -> page instanceof Answer.Done<List<ChatMessage>> read
                            ? read.value() : List.of());
            List<CompletableFuture<?>> reads = new ArrayList<>(rooms.values());
            reads.add(directs);
            CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).whenComplete((read, failed) ->
                    resource.execute(() -> {
                        List<Missed> missed = new ArrayList<>();
                        rooms.forEach((room, messages) -> read(messages).forEach(message ->
                                missed.add(new Missed(room, message))));
                        read(directs).forEach(message -> missed.add(new Missed(null, message)));
                        // In the order they were said, whatever their conversation: ids are the times of storing.
                        missed.sort(Comparator.comparingLong(message -> message.message().id()));
                        for (Missed message : missed) {
                            if (message.room() == null) {
                                direct.sendMissed(resource, message.message());
                            } else {
                                muc.sendMissed(connection, message.room(), message.message());
                            }
                        }
                        resource.caughtUp();
                    }));
        }));
    }

    /** A message the resource missed, and its room; null for a direct message. */
    private record Missed(String room, ChatMessage message) {
    }

    /** What a read found; nothing when it failed, which leaves the client its archive to page (MAM). */
    private static List<ChatMessage> read(CompletableFuture<List<ChatMessage>> page) {
        if (page.isCompletedExceptionally()) {
            page.exceptionally(error -> {
                log.warn("messages missed during a resumption elsewhere were not read", error);
                return null;
            });
            return List.of();
        }
        return page.getNow(List.of());
    }
}
