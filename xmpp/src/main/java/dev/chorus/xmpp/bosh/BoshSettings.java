package dev.chorus.xmpp.bosh;

import java.time.Duration;

/**
 * What BOSH sessions may ask for, and what the server tells them (XEP-0124 §7.1).
 *
 * @param maxWait     the longest a request is held with nothing to say
 * @param maxHold     how many requests a session may have held at once
 * @param inactivity  how long a session lives with no request held
 * @param polling     the shortest time between a client's empty requests when it polls
 */
public record BoshSettings(String domain, Duration maxWait, int maxHold, Duration inactivity, Duration polling) {
}
