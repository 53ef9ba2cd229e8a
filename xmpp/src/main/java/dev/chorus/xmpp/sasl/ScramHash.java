package dev.chorus.xmpp.sasl;

/** The hash functions SCRAM is offered with, strongest first. */
public enum ScramHash {
    SHA_256("SCRAM-SHA-256", "SHA-256", "HmacSHA256"),
    SHA_1("SCRAM-SHA-1", "SHA-1", "HmacSHA1");

    private final String mechanism;
    private final String digest;
    private final String mac;

    ScramHash(String mechanism, String digest, String mac) {
        this.mechanism = mechanism;
        this.digest = digest;
        this.mac = mac;
    }

    /** The SASL mechanism's name. */
    public String mechanism() {
        return mechanism;
    }

    /** The JCA name of the hash. */
    public String digest() {
        return digest;
    }

    /** The JCA name of its HMAC. */
    public String mac() {
        return mac;
    }
}
