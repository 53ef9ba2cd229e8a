package dev.chorus.core.account;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hash functions SCRAM is used with (RFC 5802, RFC 7677), with the primitives the exchange is made of. Every Java
 * SE platform must have these JCA algorithms, so their absence is a broken runtime, not a condition to handle.
 */
public enum ScramAlgorithm {
    SHA_1("SCRAM-SHA-1", "SHA-1", "HmacSHA1", "PBKDF2WithHmacSHA1", 20),
    SHA_256("SCRAM-SHA-256", "SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 32);

    private final String mechanism;
    private final String digest;
    private final String mac;
    private final String pbkdf2;
    private final int length;

    ScramAlgorithm(String mechanism, String digest, String mac, String pbkdf2, int length) {
        this.mechanism = mechanism;
        this.digest = digest;
        this.mac = mac;
        this.pbkdf2 = pbkdf2;
        this.length = length;
    }

    /** The SASL mechanism name, as clients ask for it and as the stores key credentials by. */
    public String mechanism() {
        return mechanism;
    }

    /** H(data). */
    public byte[] hash(byte[] data) {
        try {
            return MessageDigest.getInstance(digest).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(digest + " is missing from this Java runtime", e);
        }
    }

    /** HMAC(key, data). */
    public byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac hmac = Mac.getInstance(mac);
            hmac.init(new SecretKeySpec(key, mac));
            return hmac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(mac + " is missing from this Java runtime", e);
        }
    }

    /**
     * Hi(password, salt, iterations), which is PBKDF2 with this HMAC and one hash length of output. The JDK's PBKDF2
     * turns the password's chars into UTF-8 bytes, the encoding SCRAM hashes.
     */
    byte[] hi(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, length * Byte.SIZE);
        try {
            return SecretKeyFactory.getInstance(pbkdf2).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(pbkdf2 + " is missing from this Java runtime", e);
        } finally {
            spec.clearPassword();
        }
    }
}
