package dev.chorus.xmpp.stream;

import java.time.Duration;

/**
 * How a node's streams are served.
 *
 * @param domain          the XMPP domain: the part after the @ of every user's address
 * @param tlsRequired     whether a TCP stream must start TLS before it may authenticate
 * @param maxSaslFailures failed authentications on one stream before it is closed
 * @param authDeadline    how long a stream may take from its opening to its bound resource
 * @param idlePing        how long a stream may stay silent before the server pings it (XEP-0199); it is closed
 *                        when the ping goes unanswered as long again
 * @param stanzaRate      top-level elements a stream may send per second, on average
 * @param stanzaBurst     top-level elements a stream may send at once above the rate
 * @param resumeWindow    how long a managed session (XEP-0198) whose connection was lost waits to be resumed
 * @param maxUnacked      stanzas a managed session keeps for its client, unacknowledged, before it is ended
 */
public record StreamSettings(String domain, boolean tlsRequired, int maxSaslFailures, Duration authDeadline,
        Duration idlePing, double stanzaRate, int stanzaBurst, Duration resumeWindow, int maxUnacked) {
}
