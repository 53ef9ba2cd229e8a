package dev.chorus.xmpp.stream;

/**
 * How many top-level elements one stream may send: a token bucket of {@code burst} refilled at {@code perSecond},
 * so that a client's login (roster, disco, room joins at once) passes and a flood does not. Used on the stream's
 * thread only.
 */
final class StanzaBudget {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long updatedNanos = System.nanoTime();

    StanzaBudget(double perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
    }

    /** @return false when the stream has spent its budget */
    boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - updatedNanos) * perNano);
        updatedNanos = now;
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }
}
