package dev.chorus.xmpp.sasl;

/**
 * What the server keeps of a password for SCRAM (RFC 5802 §3): enough to check a client's proof, nothing that would
 * let whoever reads it log in.
 */
public record ScramCredential(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    @Override
    public String toString() {
        return "ScramCredential[iterations=" + iterations + "]";
    }
}
