package dev.chorus.xmppface;

import dev.chorus.xmpp.stream.XmppClient;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One XMPP resource bound on this node: whose it is, its stream, and what the face keeps for it. Its state is
 * changed on its stream's thread only.
 */
final class LocalResource {
    /** Sends in flight kept to recognise their own echo by; a bound, should echoes be lost. */
    private static final int MAX_IN_FLIGHT = 64;
    /**
     * Missed messages kept to recognise their live copy by: one stored while the resource caught up may reach it
     * both ways, the live copy even after the catch-up ended. The newest are the ones at risk; a bound on the rest.
     */
    private static final int MAX_REPLAYED = 256;

    private final String username;
    private final String bareJid;
    private final XmppClient client;
    private final String connection;
    private final Deque<Echo> inFlight = new ArrayDeque<>();
    private boolean carbons;
    /** Read by deliveries from any thread: who hears presence and roster pushes is decided there. */
    private volatile boolean interested;
    private volatile XmlElement presence;
    /** The newest message of each room it was sent, or had no need of, by room: where a resumption takes up. */
    private final Map<String, Long> roomFloors = new HashMap<>();
    /** The newest direct message it was sent. */
    private long directFloor;
    /** While it catches up after a resumption elsewhere: the messages that came meanwhile, to follow. */
    private List<Held> held;
    private final Set<String> replayed = new LinkedHashSet<>();

    /** @param boundAt when it was bound, in the milliseconds message ids are made of: the messages it need not miss */
    LocalResource(String username, String bareJid, XmppClient client, String connection, long boundAt) {
        this.directFloor = boundAt;
        this.username = username;
        this.bareJid = bareJid;
        this.client = client;
        this.connection = connection;
    }

    String username() {
        return username;
    }

    String bareJid() {
        return bareJid;
    }

    String jid() {
        return client.jid();
    }

    /** The resourcepart of its address. */
    String resourcepart() {
        String jid = jid();
        return jid.substring(jid.indexOf('/') + 1);
    }

    XmppClient client() {
        return client;
    }

    /** The id it is counted under among the user's connections. */
    String connection() {
        return connection;
    }

    void send(XmlElement stanza) {
        client.send(stanza);
    }

    /** Runs {@code task} on this resource's stream thread. */
    void execute(Runnable task) {
        if (client.executor().inEventLoop()) {
            task.run();
        } else {
            client.executor().execute(task);
        }
    }

    boolean carbons() {
        return carbons;
    }

    void carbons(boolean enabled) {
        carbons = enabled;
        client.stateChanged();
    }

    /** Whether it asked for the roster, and so hears of its changes (RFC 6121's "interested resource"). */
    boolean interested() {
        return interested;
    }

    void interested(boolean asked) {
        if (interested != asked) {
            interested = asked;
            client.stateChanged();
        }
    }

    /** Its last presence broadcast, from its full address; null while it is unavailable. */
    XmlElement presence() {
        return presence;
    }

    void presence(XmlElement broadcast) {
        presence = broadcast;
        client.stateChanged();
    }

    /**
     * A room's message for the client, live, unless it is catching up: then it follows the messages it missed.
     *
     * @param id the message's id in the room
     */
    void roomMessage(String room, long id, XmlElement stanza) {
        if (held != null) {
            held.add(new Held(room, id, stanza));
            return;
        }
        if (replayed.remove(replayKey(room, id))) {
            return;
        }
        roomFloors.merge(room, id, Math::max);
        send(stanza);
        client.stateChanged();
    }

    /** A direct message for the client, as {@link #roomMessage} does a room's. */
    void directMessage(long id, XmlElement stanza) {
        if (held != null) {
            held.add(new Held(null, id, stanza));
            return;
        }
        if (replayed.remove(replayKey(null, id))) {
            return;
        }
        directFloor = Math.max(directFloor, id);
        send(stanza);
        client.stateChanged();
    }

    /** The room's messages up to {@code id} need not reach the client: it was shown those it wanted on joining. */
    void roomFloor(String room, long id) {
        roomFloors.merge(room, id, Math::max);
        client.stateChanged();
    }

    /** @return the newest message of the room the client has, or had no need of; null when none is known */
    Long roomFloor(String room) {
        return roomFloors.get(room);
    }

    long directFloor() {
        return directFloor;
    }

    void forgetRoom(String room) {
        roomFloors.remove(room);
    }

    /** Resumed elsewhere, it catches up: live messages wait until the missed ones went ahead of them. */
    void catchingUp(Map<String, Long> rooms, long direct) {
        roomFloors.putAll(rooms);
        directFloor = direct;
        held = new ArrayList<>();
    }

    /** A missed message, sent while catching up. @param room its room; null for a direct message */
    void missed(String room, long id, XmlElement stanza) {
        replayed.add(replayKey(room, id));
        if (replayed.size() > MAX_REPLAYED) {
            replayed.remove(replayed.iterator().next());
        }
        if (room == null) {
            directFloor = Math.max(directFloor, id);
        } else {
            roomFloors.merge(room, id, Math::max);
        }
        send(stanza);
    }

    /** Caught up: the live messages held meanwhile follow, those already sent as missed left out. */
    void caughtUp() {
        List<Held> waiting = held;
        held = null;
        if (waiting == null) {
            return;
        }
        for (Held message : waiting) {
            if (message.room() == null) {
                directMessage(message.id(), message.stanza());
            } else {
                roomMessage(message.room(), message.id(), message.stanza());
            }
        }
        client.stateChanged();
    }

    private static String replayKey(String room, long id) {
        return room + "\n" + id;
    }

    private record Held(String room, long id, XmlElement stanza) {
    }

    /**
     * A message this resource is sending, known again by {@code key} when the cluster delivers it back: not as a
     * carbon to itself, and in a room with the id the client gave it.
     *
     * @param clientId the client's id of the message, or null
     */
    void sending(String key, String clientId) {
        if (inFlight.size() == MAX_IN_FLIGHT) {
            inFlight.removeFirst();
        }
        inFlight.addLast(new Echo(key, clientId));
    }

    /** @return the message this resource sent under {@code key}, no longer waited for; null when it sent none */
    Echo sent(String key) {
        for (var echoes = inFlight.iterator(); echoes.hasNext();) {
            Echo echo = echoes.next();
            if (echo.key().equals(key)) {
                echoes.remove();
                return echo;
            }
        }
        return null;
    }

    /** A message on its way back: its key, and the client's own id of it (or null). */
    record Echo(String key, String clientId) {
    }
}
