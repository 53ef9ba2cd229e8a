package dev.chorus.xmppface;

import dev.chorus.xmpp.stream.XmppClient;
import dev.chorus.xmpp.xml.XmlElement;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One XMPP resource bound on this node: whose it is, its stream, and what the face keeps for it. Its state is
 * changed on its stream's thread only.
 */
final class LocalResource {
    /** Sends in flight kept to recognise their own echo by; a bound, should echoes be lost. */
    private static final int MAX_IN_FLIGHT = 64;

    private final String username;
    private final String bareJid;
    private final XmppClient client;
    private final String connection;
    private final Deque<Echo> inFlight = new ArrayDeque<>();
    private boolean carbons;
    /** Read by deliveries from any thread: who hears presence and roster pushes is decided there. */
    private volatile boolean interested;
    private volatile XmlElement presence;

    LocalResource(String username, String bareJid, XmppClient client, String connection) {
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
    }

    /** Whether it asked for the roster, and so hears of its changes (RFC 6121's "interested resource"). */
    boolean interested() {
        return interested;
    }

    void interested(boolean asked) {
        interested = asked;
    }

    /** Its last presence broadcast, from its full address; null while it is unavailable. */
    XmlElement presence() {
        return presence;
    }

    void presence(XmlElement broadcast) {
        presence = broadcast;
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
